"""Waiting on a page's state without ``page.wait_for_function``.

``wait_for_function`` with a string re-evaluates it inside the page whenever the first try is
false, and the portal's Content Security Policy forbids evaluating strings there (no
'unsafe-eval'): the test then fails only when the page is slow. ``page.evaluate`` goes through
the browser's debugging protocol, which the policy does not cover, so polling it is safe.
"""

from __future__ import annotations

import time

from playwright.sync_api import Error, Page


def wait_until(page: Page, expression: str, *, timeout: float = 15.0, interval: float = 0.1) -> None:
    """Return once ``expression`` is truthy in ``page``; fail with the expression after ``timeout`` s.
    An expression that throws (its element not there yet, the page navigating) is asked again."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except Error:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(interval * 1000)

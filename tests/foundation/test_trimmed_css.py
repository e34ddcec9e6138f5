"""Pages load Bootstrap's CSS trimmed to what the portal uses (issue 24). A template, script or
Python module that starts using a Bootstrap class the trimmed file lacks fails here: run
`make css` (Node.js and PurgeCSS, shuangchuang/scripts/trim_bootstrap.mjs) and commit the result."""

from __future__ import annotations

import re
from pathlib import Path

import crispy_bootstrap5

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "static" / "vendor" / "bootstrap"
APPS = (
    "core",
    "venues",
    "events",
    "submissions",
    "exhibits",
    "contests",
    "federation",
    "public",
    "shuangchuang",
)
# PurgeCSS's default extractor: every run of these characters in a content file is a candidate.
WORD = re.compile(r"[A-Za-z0-9_-]+")
CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
TAG_SELECTOR = re.compile(r"(?:^|[\s>+~(])([a-z][a-z0-9]*)")


def content_files():
    yield from (ROOT / "templates").rglob("*.html")
    yield from (ROOT / "static" / "js").rglob("*.js")
    for app in APPS:
        for suffix in ("*.html", "*.py"):
            yield from (ROOT / app).rglob(suffix)
    yield from (Path(crispy_bootstrap5.__file__).parent / "templates").rglob("*.html")


def selectors(css: str) -> set[str]:
    """Every selector of every rule that names a class (comments, at-rules and keyframes aside)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = set()
    for group in re.findall(r"([^{}]+)\{", css):
        for selector in group.split(","):
            selector = selector.strip()
            if selector and not selector.startswith("@") and CLASS_SELECTOR.search(selector):
                found.add(selector)
    return found


def test_every_bootstrap_class_the_portal_uses_is_in_the_trimmed_file():
    words: set[str] = set()
    for path in content_files():
        words.update(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    full = selectors((BOOTSTRAP / "bootstrap.min.css").read_text())
    trimmed = selectors((BOOTSTRAP / "bootstrap.portal.min.css").read_text())
    # As PurgeCSS judges a selector: kept when every class and element it names occurs in the
    # content (selectors on attributes, such as the dark theme's, are left to PurgeCSS).
    used = {
        selector
        for selector in full
        if "[" not in selector
        and set(CLASS_SELECTOR.findall(selector)) <= words
        and set(TAG_SELECTOR.findall(selector)) <= words
    }

    missing = sorted(used - trimmed)

    assert not missing, f"run `make css` and commit: the trimmed Bootstrap lacks {missing[:20]}"
    assert len(trimmed) < len(full) / 2


def test_pages_load_the_trimmed_file():
    for template in ("base.html", "_standalone_error.html"):
        text = (ROOT / "templates" / template).read_text()
        assert "vendor/bootstrap/bootstrap.portal.min.css" in text
        assert "vendor/bootstrap/bootstrap.min.css" not in text

"""What "no inline script" means for a rendered page, in one place for every security test."""

from __future__ import annotations

from html.parser import HTMLParser

# <script type="application/json"> (Django's json_script) is data, never run: CSP allows it.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script: str | None = None
        self._body = ""

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> attribute")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self._in_script = (
                "data"
                if (names.get("type") or "").lower() in DATA_SCRIPT_TYPES
                else ("external" if names.get("src") else "inline")
            )
            self._body = ""

    def handle_data(self, data):
        if self._in_script:
            self._body += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            if self._in_script != "data" and self._body.strip():
                self.problems.append(f"inline <script> body: {self._body.strip()[:60]!r}")
            if self._in_script == "inline":
                self.problems.append("<script> without src")
            self._in_script = None


def inline_code(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.problems

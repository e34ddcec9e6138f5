"""What the sandboxed child reports back: measurements, problems and a preview.

This is the whole child protocol's output, kept to plain JSON so a misbehaving child can
at worst send back something that fails to parse.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Findings:
    measurements: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    preview_jpeg: bytes | None = None

    def measure(self, **values: Any) -> None:
        self.measurements.update(values)

    def problem(self, code: str, **params: Any) -> Findings:
        self.problems.append({"code": code, "params": params})
        return self

    def to_json(self) -> dict[str, Any]:
        preview = base64.b64encode(self.preview_jpeg).decode("ascii") if self.preview_jpeg else None
        return {"measurements": self.measurements, "problems": self.problems, "preview_jpeg": preview}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Findings:
        preview = data.get("preview_jpeg")
        return cls(
            measurements=dict(data["measurements"]),
            problems=[{"code": str(p["code"]), "params": dict(p["params"])} for p in data["problems"]],
            preview_jpeg=base64.b64decode(preview) if preview else None,
        )

"""Storage names for uploaded files: generated, never taken from the uploader."""

import uuid
from pathlib import PurePath

# Only these endings survive into a stored name; anything else (``a.jpg.php``) is stored
# as ``.bin`` so no web server ever treats an upload as code or markup.
SAFE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".pdf"})


def generated_name(folder: str, original_name: str) -> str:
    suffix = PurePath(original_name).suffix.lower()
    if suffix not in SAFE_SUFFIXES:
        suffix = ".bin"
    return f"{folder}/{uuid.uuid4().hex}{suffix}"

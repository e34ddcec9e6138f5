"""A local path to a stored file, for the workers that decode it (checks, web versions)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

from core import media_storage

CHUNK = 1024 * 1024


@contextlib.contextmanager
def local_copy(field_file) -> Iterator[str]:
    """A path to the stored file: the file itself on local disk, else a streamed temporary copy.

    Workers may run on other hosts than the web process, with object storage between them.
    An S3 object is written to the copy with one streamed GET, a megabyte in memory at a time
    (the storage's own ``open`` would first buffer the whole object), so checking a 1.2 GB
    video costs the worker disk, not RAM.
    """
    try:
        path = field_file.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    suffix = os.path.splitext(field_file.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        storage = field_file.storage
        if media_storage.is_object_storage(storage):
            media_storage.copy_object_to(storage, field_file.name, copy, chunk=CHUNK)
        else:
            with storage.open(field_file.name, "rb") as source:
                shutil.copyfileobj(source, copy, CHUNK)
        copy.flush()
        yield copy.name

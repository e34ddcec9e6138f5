"""Media on S3-compatible object storage, asked of the storage itself, never of a setting.

The web process never streams an object: a permission-checked view answers with a short-lived
signed link (``signed_url``) and the browser fetches the bytes, ranges included, from the
object store. Workers read an object into a temporary file with one streamed GET
(``copy_object_to``), so memory stays at one chunk whatever the file's size. Nothing here
imports boto3 unless the storage is S3: local installations never load it.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

CHUNK = 1024 * 1024
S3_BACKEND_MODULE = "storages.backends.s3"


def is_object_storage(storage) -> bool:
    """True for django-storages' S3 backend (and subclasses); ``storage`` may be the lazy
    ``default_storage``, whose ``__class__`` is the wrapped storage's."""
    return any(cls.__module__ == S3_BACKEND_MODULE for cls in storage.__class__.__mro__)


def probe(storage) -> None:
    """Raise unless the storage answers: the bucket itself (a missing bucket would otherwise
    look like a missing file), or a name on local disk."""
    if is_object_storage(storage):
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
    else:
        storage.exists("readyz-probe")


def signed_url(
    storage, name: str, *, content_type: str, disposition: str | None = None, lifetime: int | None = None
) -> str:
    """A GET link to ``name`` valid ``lifetime`` seconds (``MEDIA_SIGNED_URL_SECONDS``), whose
    answer carries the view's ``Content-Type`` and ``Content-Disposition``: S3 sends them
    instead of what it stored, so a file not proven to be an image or video is still only
    downloaded. Signing is local arithmetic: no request to the object store."""
    lifetime = lifetime or settings.MEDIA_SIGNED_URL_SECONDS
    parameters = {
        "ResponseContentType": content_type,
        "ResponseCacheControl": f"private, max-age={lifetime}",
    }
    if disposition:
        parameters["ResponseContentDisposition"] = disposition
    return storage.url(name, parameters=parameters, expire=lifetime)


def public_url(name: str) -> str | None:
    """``MEDIA_PUBLIC_BASE_URL/<name>`` (a CDN or a public-read prefix), or None when unset."""
    base = settings.MEDIA_PUBLIC_BASE_URL
    return f"{base}/{quote(name)}" if base else None


def copy_object_to(storage, name: str, target, *, chunk: int = CHUNK) -> int:
    """Write the object ``name`` into the open binary file ``target`` with one streamed GET,
    ``chunk`` bytes in memory at a time; returns the number of bytes written.

    ``storage.open`` would first download the whole object into its own spooled buffer."""
    handle = storage.open(name, "rb")  # a HEAD: raises at once when the object is missing
    written = 0
    body = handle.obj.get()["Body"]
    try:
        for piece in body.iter_chunks(chunk):
            target.write(piece)
            written += len(piece)
    finally:
        body.close()
    return written

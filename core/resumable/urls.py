"""The two addresses of a resumable upload target: its collection (``<route>tus/``, POST and
OPTIONS) and one upload in it (``<route>tus/<uuid:upload_id>/``), named ``<name>`` and
``<name>_upload``."""

from __future__ import annotations

from django.urls import URLPattern, path


def tus_paths(route: str, *, create, upload, name: str, kwargs: dict | None = None) -> list[URLPattern]:
    """``route`` ends with "/" (``"projects/<int:pk>/video/"``); ``create`` and ``upload`` are
    the domain's ``ResumableCreateView`` and ``ResumableUploadView`` subclasses; ``kwargs``
    go to both views (``{"kind": "video"}``)."""
    extra = kwargs or {}
    return [
        path(f"{route}tus/", create.as_view(), extra, name=name),
        path(f"{route}tus/<uuid:upload_id>/", upload.as_view(), extra, name=f"{name}_upload"),
    ]

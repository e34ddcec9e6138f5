"""Where an exhibition's files are stored (named by the migrations, so these paths stay).

The suffix comes from what the upload was checked to be (``validation.py`` gives the form a
name ending in the real format), never from the uploader's file name.
"""

from core.uploads import generated_name


def project_cover_path(instance, filename: str) -> str:
    return generated_name("exhibits/covers", filename)


def project_image_path(instance, filename: str) -> str:
    return generated_name(f"exhibits/images/{instance.project_id}", filename)


def project_document_path(instance, filename: str) -> str:
    return generated_name(f"exhibits/documents/{instance.project_id}", filename)


def project_video_path(instance, filename: str) -> str:
    """A holder's video as uploaded (checked, never served): the suffix of its container."""
    return generated_name(f"exhibits/videos/{instance.project_id}", filename)


def project_video_version_path(instance, filename: str) -> str:
    """A web version or poster of a project's video (``360.mp4``, ``poster.jpg``)."""
    return generated_name(f"exhibits/videos/{instance.project_id}/web", filename)


def import_file_path(instance, filename: str) -> str:
    """An import's uploaded .xlsx or .zip: never served, so a neutral ``.bin`` name."""
    return generated_name("exhibits/imports", "upload.bin")

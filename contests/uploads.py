"""Where a contest's files are stored (named by the migrations, so these paths stay).

The suffix comes from what the upload was checked to be (the form gives it a name ending in
the real format), never from the uploader's file name.
"""

from core.uploads import generated_name


def entry_plan_path(instance, filename: str) -> str:
    return generated_name(f"contests/{instance.contest_id}/plans", filename)


def entry_video_path(instance, filename: str) -> str:
    return generated_name(f"contests/{instance.contest_id}/videos", filename)


def entry_file_path(instance, filename: str) -> str:
    return generated_name(f"contests/files/{instance.entry_id}", filename)


def entry_video_version_path(instance, filename: str) -> str:
    """A web version of a pitch video (``EntryVideo.versions``), beside the contest's videos."""
    return generated_name(f"contests/{instance.entry.contest_id}/videos/web", filename)

"""Deployment checks of the media storage (``manage.py check --deploy``, ``make deploy-check``).

Settings that cannot work together, or an object store the credentials cannot use, fail the
check with a message that says what to change: the issue found ``deploy-check`` passing with
S3 and X-Accel both set, an empty bucket name and wrong credentials. The S3 round trip
(list, put, read, delete one small object) is a real request, so it runs only with
``--deploy``, never when a management command or the web process starts.
"""

from __future__ import annotations

import importlib.util
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.files.base import ContentFile

from . import media_storage

TAG = "storage"
PROBE_FOLDER = "deploy-check"
BACKUP_MODES = ("copy", "versioning")
# SigV4 links live at most a week; under a minute a slow phone cannot even start the video.
SIGNED_URL_SECONDS = (60, 7 * 24 * 3600)


@checks.register(TAG, deploy=True)
def check_media_storage(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    found = _settings_that_agree()
    if settings.MEDIA_STORAGE == "s3" and not any(message.is_serious() for message in found):
        found += _round_trip()
        if not any(message.is_serious() for message in found):
            found += _backups_cover_the_bucket()
    return found


def _settings_that_agree() -> list[checks.CheckMessage]:
    found = []
    s3 = settings.MEDIA_STORAGE == "s3"
    options = settings.STORAGES["default"].get("OPTIONS", {})
    if settings.MEDIA_BACKUP not in BACKUP_MODES:
        found.append(
            checks.Error(
                f"MEDIA_BACKUP={settings.MEDIA_BACKUP!r} is not one of {', '.join(BACKUP_MODES)}.",
                id="storage.E007",
            )
        )
    if settings.MEDIA_PUBLIC_BASE_URL and not s3:
        found.append(
            checks.Error(
                "MEDIA_PUBLIC_BASE_URL is set but media is on local disk (MEDIA_STORAGE=local).",
                hint="A CDN base URL serves public web versions from S3-compatible storage; "
                "leave it empty with local media.",
                id="storage.E006",
            )
        )
    elif settings.MEDIA_PUBLIC_BASE_URL and urlsplit(settings.MEDIA_PUBLIC_BASE_URL).scheme != "https":
        found.append(
            checks.Error(
                f"MEDIA_PUBLIC_BASE_URL={settings.MEDIA_PUBLIC_BASE_URL!r} is not an https:// URL.",
                id="storage.E006",
            )
        )
    if not s3:
        if settings.MEDIA_BACKUP == "versioning":
            found.append(
                checks.Error(
                    "MEDIA_BACKUP=versioning needs MEDIA_STORAGE=s3: a local folder keeps no versions.",
                    hint="Use MEDIA_BACKUP=copy: backup.sh copies MEDIA_ROOT.",
                    id="storage.E007",
                )
            )
        return found
    if settings.MEDIA_ACCEL_REDIRECT_PREFIX:
        found.append(
            checks.Error(
                "MEDIA_STORAGE=s3 and MEDIA_ACCEL_REDIRECT_PREFIX are both set: X-Accel-Redirect makes "
                "nginx read the file from MEDIA_ROOT on this host, where S3 objects never are.",
                hint="Leave MEDIA_ACCEL_REDIRECT_PREFIX empty with S3: private media is answered with a "
                "short-lived signed link to the object store.",
                id="storage.E001",
            )
        )
    if importlib.util.find_spec("boto3") is None:
        found.append(
            checks.Error(
                "MEDIA_STORAGE=s3 needs boto3, which is not installed.",
                hint=".venv/bin/pip install boto3",
                id="storage.E004",
            )
        )
    if not options.get("bucket_name"):
        found.append(
            checks.Error("MEDIA_STORAGE=s3 but S3_BUCKET is empty.", hint="Set S3_BUCKET.", id="storage.E002")
        )
    missing = [
        variable
        for variable, option in (("S3_ACCESS_KEY_ID", "access_key"), ("S3_SECRET_ACCESS_KEY", "secret_key"))
        if not options.get(option)
    ]
    if missing:
        found.append(
            checks.Error(
                f"MEDIA_STORAGE=s3 but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set.",
                hint="Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY to a key that may list, "
                "put, get and delete objects in the bucket.",
                id="storage.E003",
            )
        )
    low, high = SIGNED_URL_SECONDS
    if not low <= settings.MEDIA_SIGNED_URL_SECONDS <= high:
        found.append(
            checks.Error(
                f"MEDIA_SIGNED_URL_SECONDS={settings.MEDIA_SIGNED_URL_SECONDS} is outside {low}..{high}.",
                id="storage.E008",
            )
        )
    return found


def _round_trip() -> list[checks.CheckMessage]:
    """List, put, read back and delete one small object with the portal's own storage."""
    from django.core.files.storage import storages

    storage = storages.create_storage(settings.STORAGES["default"])
    if not media_storage.is_object_storage(storage):
        return []
    where = f"bucket {storage.bucket_name!r}" + (
        f" at {storage.endpoint_url}" if storage.endpoint_url else ""
    )
    content = f"written by manage.py check --deploy, deleted at once: {uuid.uuid4().hex}".encode()
    step, name = "list the objects of", None
    try:
        storage.connection.meta.client.list_objects_v2(Bucket=storage.bucket_name, MaxKeys=1)
        step = "put an object into"
        name = storage.save(f"{PROBE_FOLDER}/{uuid.uuid4().hex}.txt", ContentFile(content))
        step = "read an object back from"
        with storage.open(name, "rb") as handle:
            if handle.read() != content:
                raise ValueError("the object read back differs from the one written")
        step = "delete an object from"
        storage.delete(name)
        if storage.exists(name):
            raise ValueError("the object is still there after it was deleted")
        name = None
    except Exception as error:  # any failure of any step is the finding, with its reason
        return [
            checks.Error(
                f"The S3 credentials cannot {step} {where}: {_reason(error)}",
                hint="Check S3_ENDPOINT_URL, S3_REGION, S3_BUCKET and that the key in S3_ACCESS_KEY_ID "
                "may s3:ListBucket, s3:PutObject, s3:GetObject and s3:DeleteObject on the bucket.",
                id="storage.E005",
            )
        ]
    finally:
        if name is not None:
            try:
                storage.delete(name)
            except Exception:  # the finding above is what matters
                pass
    return []


def _backups_cover_the_bucket() -> list[checks.CheckMessage]:
    """MEDIA_BACKUP=versioning leaves the media to the bucket: it must keep versions."""
    if settings.MEDIA_BACKUP != "versioning":
        return []
    from django.core.files.storage import storages

    storage = storages.create_storage(settings.STORAGES["default"])
    try:
        status = storage.connection.meta.client.get_bucket_versioning(Bucket=storage.bucket_name).get(
            "Status"
        )
    except Exception as error:
        status = f"unknown ({_reason(error)})"
    if status == "Enabled":
        return []
    return [
        checks.Warning(
            f"Backups cannot cover media: MEDIA_BACKUP=versioning, but versioning of bucket "
            f"{storage.bucket_name!r} is {status or 'off'}, and backup.sh copies only the database.",
            hint="Enable versioning on the bucket, or set MEDIA_BACKUP=copy so that backup.sh copies "
            "every object with a sha256 manifest.",
            id="storage.W001",
        )
    ]


def _reason(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        details = response["Error"]
        return f"{details.get('Code', '?')}: {details.get('Message', '')}".strip()
    return f"{type(error).__name__}: {error}"

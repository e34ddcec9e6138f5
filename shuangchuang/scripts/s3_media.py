"""Copy the media bucket to a folder and back, for backup.sh and restore.sh (S3 mode).

    python shuangchuang/scripts/s3_media.py probe              # can the bucket be listed?
    python shuangchuang/scripts/s3_media.py backup TARGET_DIR  # objects -> TARGET_DIR/media/<key>
    python shuangchuang/scripts/s3_media.py restore SOURCE_DIR # SOURCE_DIR/media/<key> -> objects

The bucket and credentials come from the portal's environment (S3_BUCKET, S3_ENDPOINT_URL,
S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION, S3_ADDRESSING_STYLE). ``backup`` streams
each object to disk a megabyte at a time, hashing it on the way, and writes
``media-manifest.tsv`` (sha256, size, key per line); ``restore`` checks a file against the
manifest before it uploads it. No Django: it runs beside pg_dump with only boto3.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import sys
from pathlib import Path, PurePosixPath

CHUNK = 1024 * 1024
MANIFEST = "media-manifest.tsv"


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("probe", "backup", "restore") or (argv[0] != "probe" and len(argv) != 2):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        bucket = os.environ["S3_BUCKET"]
        if not bucket:
            raise KeyError("S3_BUCKET")
        client = _client()
    except (KeyError, ImportError) as error:
        print(f"s3_media: cannot reach the media bucket: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    command = argv[0]
    try:
        if command == "probe":
            client.list_objects_v2(Bucket=bucket, MaxKeys=1)
            return 0
        if command == "backup":
            return backup(client, bucket, Path(argv[1]))
        return restore(client, bucket, Path(argv[1]))
    except Exception as error:  # one line the operator can act on, and a failing exit status
        print(f"s3_media {command}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _client():
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        region_name=os.environ.get("S3_REGION") or None,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or "auto"},
            retries={"max_attempts": 5, "mode": "standard"},
        ),
    )


def local_path(folder: Path, key: str) -> Path:
    """Where ``key`` goes under ``folder``; a key that would leave it is refused."""
    parts = PurePosixPath(key).parts
    if not parts or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"refusing the object key {key!r}")
    return folder.joinpath(*parts)


def backup(client, bucket: str, target: Path) -> int:
    media = target / "media"
    media.mkdir(parents=True, exist_ok=True)
    lines, total = [], 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            key = item["Key"]
            path = local_path(media, key)
            path.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            body = client.get_object(Bucket=bucket, Key=key)["Body"]
            try:
                with open(path, "wb") as out:
                    for piece in body.iter_chunks(CHUNK):
                        out.write(piece)
                        digest.update(piece)
                        size += len(piece)
            finally:
                body.close()
            if size != item["Size"]:
                raise OSError(f"{key}: {size} bytes read, the bucket lists {item['Size']}")
            lines.append(f"{digest.hexdigest()}\t{size}\t{key}\n")
            total += size
    (target / MANIFEST).write_text("".join(sorted(lines, key=lambda line: line.split("\t", 2)[2])))
    print(f"media: {len(lines)} objects, {total} bytes from bucket {bucket}")
    return 0


def restore(client, bucket: str, source: Path) -> int:
    media = source / "media"
    manifest = source / MANIFEST
    if manifest.exists():
        entries = [line.rstrip("\n").split("\t", 2) for line in manifest.read_text().splitlines() if line]
    elif media.is_dir():  # a backup of local media (no manifest): every file becomes an object
        entries = [
            (None, None, path.relative_to(media).as_posix()) for path in media.rglob("*") if path.is_file()
        ]
    else:
        entries = []
    for expected, size, key in sorted(entries, key=lambda entry: entry[2]):
        path = local_path(media, key)
        if expected is not None:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                while piece := handle.read(CHUNK):
                    digest.update(piece)
            if digest.hexdigest() != expected or path.stat().st_size != int(size):
                raise OSError(f"{key}: the file differs from the manifest; nothing more restored")
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        client.upload_file(str(path), bucket, key, ExtraArgs={"ContentType": content_type})
    print(f"media: {len(entries)} objects into bucket {bucket}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

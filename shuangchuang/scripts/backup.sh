#!/usr/bin/env bash
# Back up the database and the media into one dated folder.
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/shuangchuang/media shuangchuang/scripts/backup.sh /backups/2026-09-20
#   (S3 mode: MEDIA_STORAGE=s3 and the S3_* variables instead of MEDIA_ROOT)
#   shuangchuang/scripts/backup.sh --database-only TARGET   # media backed up otherwise, said so
# ENV_FILE=/etc/shuangchuang.env reads the portal's environment from that file first.
# The database is dumped first (pg_dump takes a consistent snapshot while the site runs), the
# media copied second, so every file the dump refers to is in the copy; files uploaded in
# between are harmless extras. S3 objects are streamed into TARGET/media/<key> with a sha256
# manifest (media-manifest.tsv). Without --database-only the script never skips the media: if
# it cannot read them (no MEDIA_ROOT, bucket unreachable) it refuses before dumping anything.
set -euo pipefail
database_only=0
if [ "${1:-}" = "--database-only" ]; then database_only=1; shift; fi
target="${1:?usage: shuangchuang/scripts/backup.sh [--database-only] TARGET_DIR}"
if [ -n "${ENV_FILE:-}" ]; then set -a; . "$ENV_FILE"; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-$here/../../.venv/bin/python}"
storage="${MEDIA_STORAGE:-local}"

refuse() {
  echo "backup.sh: $1" >&2
  echo "backup.sh: nothing written. Fix it, or run with --database-only if the media is backed up otherwise" \
    "(e.g. bucket versioning, docs/operations.md)." >&2
  exit 1
}

if [ "$database_only" = 0 ]; then
  if [ "$storage" = s3 ]; then
    "$python" "$here/s3_media.py" probe || refuse "cannot list the media bucket ${S3_BUCKET:-(S3_BUCKET unset)}."
  elif [ -z "${MEDIA_ROOT:-}" ] || [ ! -d "$MEDIA_ROOT" ]; then
    refuse "MEDIA_ROOT (${MEDIA_ROOT:-unset}) is not a folder."
  fi
fi

mkdir -p "$target"
pg_dump --format=custom --no-owner --file="$target/db.dump" "$DATABASE_URL"
if [ "$database_only" = 1 ]; then
  echo "media NOT copied (--database-only)"
elif [ "$storage" = s3 ]; then
  "$python" "$here/s3_media.py" backup "$target"
else
  mkdir -p "$target/media"
  cp -a "$MEDIA_ROOT/." "$target/media/"
fi
( cd "$target" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 -r sha256sum > SHA256SUMS )
echo "backup written to $target"

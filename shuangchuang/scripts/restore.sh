#!/usr/bin/env bash
# Restore a folder written by shuangchuang/scripts/backup.sh into an existing, empty database and the media
# storage: MEDIA_ROOT, or with MEDIA_STORAGE=s3 the bucket S3_BUCKET (each file checked against
# media-manifest.tsv before it is uploaded). A backup of either kind restores into either.
#   DATABASE_URL=postgres://.../shuangchuang MEDIA_ROOT=/srv/shuangchuang/media shuangchuang/scripts/restore.sh /backups/2026-09-20
# ENV_FILE=/etc/shuangchuang.env reads the portal's environment from that file first.
# Stop web, worker and beat first; start them again afterwards.
set -euo pipefail
source_dir="${1:?usage: shuangchuang/scripts/restore.sh BACKUP_DIR}"
if [ -n "${ENV_FILE:-}" ]; then set -a; . "$ENV_FILE"; set +a; fi
: "${DATABASE_URL:?set DATABASE_URL}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-$here/../../.venv/bin/python}"
( cd "$source_dir" && sha256sum --check --quiet SHA256SUMS )
pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" "$source_dir/db.dump"
if [ -d "$source_dir/media" ]; then
  if [ "${MEDIA_STORAGE:-local}" = s3 ]; then
    "$python" "$here/s3_media.py" restore "$source_dir"
  else
    : "${MEDIA_ROOT:?set MEDIA_ROOT}"
    mkdir -p "$MEDIA_ROOT"
    cp -a "$source_dir/media/." "$MEDIA_ROOT/"
  fi
fi
echo "restored from $source_dir"

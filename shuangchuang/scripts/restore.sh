#!/usr/bin/env bash
# Restore a folder written by shuangchuang/scripts/backup.sh into an existing, empty database and a media folder.
#   DATABASE_URL=postgres://.../shuangchuang MEDIA_ROOT=/srv/shuangchuang/media shuangchuang/scripts/restore.sh /backups/2026-09-20
# Stop web, worker and beat first; start them again afterwards.
set -euo pipefail
source_dir="${1:?usage: shuangchuang/scripts/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?set DATABASE_URL}"
( cd "$source_dir" && sha256sum --check --quiet SHA256SUMS )
pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" "$source_dir/db.dump"
if [ -d "$source_dir/media" ]; then
  : "${MEDIA_ROOT:?set MEDIA_ROOT}"
  mkdir -p "$MEDIA_ROOT"
  cp -a "$source_dir/media/." "$MEDIA_ROOT/"
fi
echo "restored from $source_dir"

#!/usr/bin/env bash
# Back up the database and the media folder into one dated folder.
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/shuangchuang/media shuangchuang/scripts/backup.sh /backups/2026-09-20
# The database is dumped first (pg_dump takes a consistent snapshot while the site runs), the
# media copied second, so every file the dump refers to is in the copy; files uploaded in
# between are harmless extras. With S3 storage, back up the bucket with the provider's tools.
set -euo pipefail
target="${1:?usage: shuangchuang/scripts/backup.sh TARGET_DIR}"
: "${DATABASE_URL:?set DATABASE_URL}"
mkdir -p "$target"
pg_dump --format=custom --no-owner --file="$target/db.dump" "$DATABASE_URL"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  mkdir -p "$target/media"
  cp -a "$MEDIA_ROOT/." "$target/media/"
fi
( cd "$target" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS )
echo "backup written to $target"

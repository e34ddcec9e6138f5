#!/usr/bin/env bash
# Start or stop the whole production stack locally: gunicorn, one Celery worker pool, a transcode worker, one beat.
# Each runs in the background with a pidfile in $RUN_DIR (default var/run); `stop` ends exactly
# those PIDs. PostgreSQL and Redis are expected to be running already (DATABASE_URL, REDIS_URL).
#
#   SECRET_KEY=... DATABASE_URL=postgres://... REDIS_URL=redis://... shuangchuang/scripts/stack.sh start
#   ENV_FILE=/etc/shuangchuang.env shuangchuang/scripts/stack.sh start   # the environment from that file
#   shuangchuang/scripts/stack.sh stop
# The commands are the Procfile's (gunicorn's flags: shuangchuang/scripts/gunicorn.conf.py), run detached.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -n "${ENV_FILE:-}" ]; then set -a; . "$ENV_FILE"; set +a; fi
RUN_DIR="${RUN_DIR:-var/run}"
BIN="${BIN:-.venv/bin}"
mkdir -p "$RUN_DIR"

start() {
  "$BIN/python" manage.py migrate --noinput >"$RUN_DIR/migrate.log"
  "$BIN/python" manage.py collectstatic --noinput >"$RUN_DIR/collectstatic.log"
  "$BIN/gunicorn" -c shuangchuang/scripts/gunicorn.conf.py shuangchuang.wsgi --daemon --pid "$RUN_DIR/web.pid" \
    --access-logfile "$RUN_DIR/web.log" --error-logfile "$RUN_DIR/web.log" --capture-output
  "$BIN/celery" -A shuangchuang worker --concurrency "${WORKER_CONCURRENCY:-2}" --loglevel INFO \
    --detach --pidfile "$RUN_DIR/worker.pid" --logfile "$RUN_DIR/worker.log" --hostname "worker-$$@%h"
  # Video web versions on their own queue (docs/operations.md): minutes of encoding never hold up checks.
  "$BIN/celery" -A shuangchuang worker -Q media-transcode --concurrency 1 --loglevel INFO \
    --detach --pidfile "$RUN_DIR/transcode.pid" --logfile "$RUN_DIR/transcode.log" --hostname "transcode-$$@%h"
  if [ "${WITH_BEAT:-1}" = 1 ]; then
    "$BIN/celery" -A shuangchuang beat --loglevel INFO --detach --pidfile "$RUN_DIR/beat.pid" \
      --logfile "$RUN_DIR/beat.log" --schedule "$RUN_DIR/celerybeat-schedule"
  fi
  echo "started: pidfiles in $RUN_DIR"
}

stop_one() {
  local pidfile="$RUN_DIR/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

stop() { stop_one beat; stop_one transcode; stop_one worker; stop_one web; echo "stopped"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

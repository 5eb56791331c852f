#!/usr/bin/env bash
# Start N dashboard replicas on one extract folder and one cache folder, on ports
# BASE_PORT .. BASE_PORT+N-1 of 127.0.0.1 (nginx in front: deploy/nginx-ips.conf).
#
#   deploy/run-replicas.sh [N=2] [BASE_PORT=8501]
#
# Settings come from the environment (README "Drift"): IPS_DATA_DIR, IPS_CACHE_DIR
# (shared: a new file set is built by one replica and opened by the others),
# IPS_SCOPES_FILE, IPS_ACCESS_LOG, IPS_SECRETS_FILE (the secrets file with [auth]; the
# same cookie_secret on every replica). A configuration the replicas refuse stops
# them all (exit code 2). Ctrl-C / SIGTERM stops every replica.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-2}"
BASE_PORT="${2:-8501}"
PYTHON="${PYTHON:-.venv/bin/python}"
: "${IPS_CACHE_DIR:=$HOME/.cache/ips-dashboard}"
export IPS_CACHE_DIR
SECRETS=()
if [[ -n "${IPS_SECRETS_FILE:-}" ]]; then
  SECRETS=("--secrets.files=${IPS_SECRETS_FILE}")
fi

pids=()
stop_all() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait; }
trap stop_all EXIT INT TERM

for ((i = 0; i < N; i++)); do
  port=$((BASE_PORT + i))
  "$PYTHON" -m ui.serve --server.headless=true --server.address=127.0.0.1 \
    --server.port="$port" --browser.gatherUsageStats=false \
    --server.fileWatcherType=none "${SECRETS[@]}" &
  pids+=($!)
  echo "replica $((i + 1)) of $N: pid $! on 127.0.0.1:$port"
done
# until every replica has stopped (one that stops leaves the others serving: nginx sends
# its users to them); a refused configuration stops every replica at once (exit code 2)
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=$?
done
trap - EXIT
exit "$status"

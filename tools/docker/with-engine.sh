#!/usr/bin/env bash
# Runs a command with a Docker engine and the node:20-slim base at hand, then stops the engine again
# if this script started it (an engine that was already running is left as it was).
#
#   bash tools/docker/with-engine.sh 'npx nx run-many -t docker-build'
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ $# -ne 1 ]]; then
  echo "usage: $0 '<command>'" >&2
  exit 2
fi
if docker info >/dev/null 2>&1; then
  started=false
else
  started=true
  trap 'bash tools/docker/engine.sh stop' EXIT
fi
bash tools/docker/engine.sh start
bash tools/docker/stand-in-base.sh
echo "with-engine: the engine $([[ $started == true ]] && echo 'was started here and stops afterwards' || echo 'was already running and stays')"
bash -c "$1"

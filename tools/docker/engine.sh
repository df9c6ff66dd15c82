#!/usr/bin/env bash
# A Docker engine for building and running the images on a machine that has none running.
#
#   bash tools/docker/engine.sh start   # installs Debian's docker.io if dockerd is missing, starts dockerd
#                                        # unless an engine already answers; prints what it did
#   bash tools/docker/engine.sh stop    # stops the dockerd this script started (by its PID), nothing else
#
# Everything this machine's engine needs is here, each with its reason:
# - dockerd runs as root in the background, not under systemd (there is none to start docker.service).
# - --bridge=none --iptables=false --ip-masq=false: builds and containers use the host network only, so
#   no docker0 bridge on a private range, and no NAT or FORWARD-policy rules left in the host's iptables.
# - The storage driver is dockerd's default (overlay2 works on this machine's ext4 root) and the cgroup
#   driver is cgroupfs on its cgroup v1 hierarchy; neither needs a flag. dockerd warns that the kernel
#   lacks blkio weights; nothing here uses them.
# - The state (PID file, log) lives in STATE_DIR, so `stop` finds exactly the daemon `start` started.
set -euo pipefail

STATE_DIR=${BSS_DOCKER_STATE_DIR:-/tmp/bss-docker-engine}
PID_FILE="$STATE_DIR/dockerd.pid"
LOG_FILE="$STATE_DIR/dockerd.log"
SOCKET=/var/run/docker.sock

engine_answers() {
  docker info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

install_engine() {
  if command -v dockerd >/dev/null; then return; fi
  echo "docker-engine: installing Debian's docker.io (dockerd is missing)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
}

start() {
  if engine_answers; then
    echo "docker-engine: an engine already answers ($(docker info --format '{{.ServerVersion}}')); using it"
    return
  fi
  install_engine
  mkdir -p "$STATE_DIR"
  dockerd --host "unix://$SOCKET" --pidfile "$PID_FILE" --bridge=none --iptables=false --ip-masq=false \
    >"$LOG_FILE" 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do
    if engine_answers; then
      echo "docker-engine: dockerd started (pid $pid, log $LOG_FILE), storage $(docker info --format '{{.Driver}}'), cgroup $(docker info --format '{{.CgroupDriver}} v{{.CgroupVersion}}')"
      return
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "docker-engine: dockerd exited during start-up; its log:" >&2
      tail -20 "$LOG_FILE" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "docker-engine: dockerd (pid $pid) did not answer within 30 s; see $LOG_FILE" >&2
  exit 1
}

stop() {
  if [[ ! -f "$PID_FILE" ]]; then
    echo "docker-engine: no dockerd started by this script"
    return
  fi
  local pid
  pid=$(cat "$PID_FILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "docker-engine: dockerd (pid $pid) did not stop within 30 s; killing it" >&2
      kill -KILL "$pid"
    fi
    echo "docker-engine: dockerd (pid $pid) stopped"
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac

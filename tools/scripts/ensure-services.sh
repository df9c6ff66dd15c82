#!/usr/bin/env bash
# Checks the local services the tests talk to and starts any that is down, with the same commands
# the machine uses at boot. RabbitMQ (with its management API), Redis and PostgreSQL (the ops
# console's dead-letter store) are all required.
set -euo pipefail

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_port() {
  local name=$1 port=$2 seconds=$3
  for _ in $(seq "$seconds"); do
    if port_open "$port"; then
      echo "$name is up on port $port"
      return 0
    fi
    sleep 1
  done
  echo "$name did not come up on port $port within ${seconds}s" >&2
  return 1
}

if ! port_open 5672; then
  echo "RabbitMQ is down; starting it"
  rabbitmq-server -detached
fi
wait_for_port RabbitMQ 5672 90
rabbitmqctl await_startup --timeout 90 >/dev/null
# The load generator reads queue depths (ready + unacked) from the management API.
if ! port_open 15672; then
  rabbitmq-plugins enable rabbitmq_management >/dev/null
  wait_for_port "RabbitMQ management" 15672 60
fi

if ! port_open 6379; then
  echo "Redis is down; starting it"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for_port Redis 6379 30

if ! port_open 5432; then
  echo "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
wait_for_port PostgreSQL 5432 30

#!/bin/sh
# Creates one RabbitMQ user per app with only the rights it needs, through the management API.
# Usernames and passwords are read from the AMQP URLs in the Secret, so they are defined once.
set -eu

api="http://rabbitmq:15672/api"
admin="${RABBITMQ_ADMIN_USER}:${RABBITMQ_ADMIN_PASSWORD}"

until curl -sf -u "$admin" "$api/overview" >/dev/null; do
  echo "waiting for the management API"
  sleep 2
done

user_of() { echo "$1" | sed -E 's#^[a-z]+://([^:]+):.*#\1#'; }
password_of() { echo "$1" | sed -E 's#^[a-z]+://[^:]+:([^@]+)@.*#\1#'; }

put() {
  curl -sf -u "$admin" -X PUT -H 'content-type: application/json' "$api/$1" -d "$2" >/dev/null
}

grant() {
  url=$1 tags=$2 configure=$3 write=$4 read=$5
  user=$(user_of "$url")
  put "users/$user" "{\"password\":\"$(password_of "$url")\",\"tags\":\"$tags\"}"
  put "permissions/%2F/$user" "{\"configure\":\"$configure\",\"write\":\"$write\",\"read\":\"$read\"}"
  echo "user $user: configure=$configure write=$write read=$read"
}

policy() {
  put "policies/%2F/$1" "$2"
  echo "policy $1: $2"
}

# The grants and policies follow from the topology and the order types: rendered by `npx nx run deploy:render`.
# shellcheck source=grants.sh
. "$(dirname "$0")/grants.sh"
# shellcheck source=policies.sh
. "$(dirname "$0")/policies.sh"

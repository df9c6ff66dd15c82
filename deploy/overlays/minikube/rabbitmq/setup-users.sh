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

# The producer may only publish to the orders exchange.
grant "$PRODUCER_RABBITMQ_URL" "" '^$' '^bss\\.orders$' '^$'
# Each processor may only consume its queue and publish retries and dead letters.
grant "$SUBSCRIPTION_PROCESSOR_RABBITMQ_URL" "" '^$' '^bss\\.orders\\.(retry\\.[0-9]+|dlx)$' '^bss\\.orders\\.subscription$'
grant "$MNP_PROCESSOR_RABBITMQ_URL" "" '^$' '^bss\\.orders\\.(retry\\.[0-9]+|dlx)$' '^bss\\.orders\\.mnp$'
grant "$CHANGE_PROCESSOR_RABBITMQ_URL" "" '^$' '^bss\\.orders\\.(retry\\.[0-9]+|dlx)$' '^bss\\.orders\\.change$'
grant "$TERMINATION_PROCESSOR_RABBITMQ_URL" "" '^$' '^bss\\.orders\\.(retry\\.[0-9]+|dlx)$' '^bss\\.orders\\.termination$'
# The ops console consumes dead letters, republishes replays to the orders exchange, and reads queue
# statistics from the management API (monitoring tag).
grant "$OPS_CONSOLE_RABBITMQ_URL" "monitoring" '^$' '^bss\\.orders$' '^bss\\.orders\\.dead$'
# KEDA only reads queue statistics.
grant "$KEDA_RABBITMQ_HOST" "monitoring" '^$' '^$' '^$'

# shellcheck shell=sh
# One RabbitMQ user per app with only the rights it needs (JSON-escaped regexes).
# Rendered by `npx nx run deploy:render` from the order type definitions (libs/contracts/src/lib/order-types)
# and bss-config (deploy/base/config.yaml): change those and render again, never this file;
# a test fails when what is committed differs from what renders.
grant "$PRODUCER_RABBITMQ_URL" "" '^$' '^(bss\\.orders|bss\\.orders\\.events|bss\\.orders\\.subscription|bss\\.orders\\.mnp|bss\\.orders\\.change|bss\\.orders\\.termination)$' '^$'
grant "$SUBSCRIPTION_PROCESSOR_RABBITMQ_URL" "" '^$' '^(bss\\.orders\\.dlx|bss\\.orders\\.events|bss\\.orders\\.retry\\.1|bss\\.orders\\.retry\\.2|bss\\.orders\\.retry\\.3|bss\\.orders\\.deferral\\.1000ms|bss\\.orders\\.deferral\\.5000ms|bss\\.orders\\.deferral\\.15000ms|bss\\.orders\\.deferral\\.60000ms)$' '^bss\\.orders\\.subscription$'
grant "$MNP_PROCESSOR_RABBITMQ_URL" "" '^$' '^(bss\\.orders\\.dlx|bss\\.orders\\.events|bss\\.orders\\.retry\\.1|bss\\.orders\\.retry\\.2|bss\\.orders\\.retry\\.3|bss\\.orders\\.deferral\\.1000ms|bss\\.orders\\.deferral\\.5000ms|bss\\.orders\\.deferral\\.15000ms|bss\\.orders\\.deferral\\.60000ms)$' '^bss\\.orders\\.mnp$'
grant "$CHANGE_PROCESSOR_RABBITMQ_URL" "" '^$' '^(bss\\.orders\\.dlx|bss\\.orders\\.events|bss\\.orders\\.retry\\.1|bss\\.orders\\.retry\\.2|bss\\.orders\\.retry\\.3|bss\\.orders\\.deferral\\.1000ms|bss\\.orders\\.deferral\\.5000ms|bss\\.orders\\.deferral\\.15000ms|bss\\.orders\\.deferral\\.60000ms)$' '^bss\\.orders\\.change$'
grant "$TERMINATION_PROCESSOR_RABBITMQ_URL" "" '^$' '^(bss\\.orders\\.dlx|bss\\.orders\\.events|bss\\.orders\\.retry\\.1|bss\\.orders\\.retry\\.2|bss\\.orders\\.retry\\.3|bss\\.orders\\.deferral\\.1000ms|bss\\.orders\\.deferral\\.5000ms|bss\\.orders\\.deferral\\.15000ms|bss\\.orders\\.deferral\\.60000ms)$' '^bss\\.orders\\.termination$'
grant "$OPS_CONSOLE_RABBITMQ_URL" "monitoring" '^$' '^(bss\\.orders|bss\\.orders\\.events|bss\\.orders\\.subscription|bss\\.orders\\.mnp|bss\\.orders\\.change|bss\\.orders\\.termination)$' '^bss\\.orders\\.dead$'
grant "$TRACKER_RABBITMQ_URL" "" '^$' '^$' '^bss\\.orders\\.events\\.tracker$'
grant "$KEDA_RABBITMQ_HOST" "monitoring" '^$' '^$' '^$'

# shellcheck shell=sh
# One RabbitMQ user per app with only the rights it needs (JSON-escaped regexes).
# Rendered by `npx nx run deploy:render` from the order type definitions (libs/contracts/src/lib/order-types)
# and bss-config (deploy/base/config.yaml): change those and render again, never this file;
# a test fails when what is committed differs from what renders.
grant "$PRODUCER_RABBITMQ_URL" "" '^$' '^bss\\.orders$' '^$'
grant "$SUBSCRIPTION_PROCESSOR_RABBITMQ_URL" "" '^$' '^(bss\\.orders\\.dlx|bss\\.orders\\.retry\\.1|bss\\.orders\\.retry\\.2|bss\\.orders\\.retry\\.3)$' '^bss\\.orders\\.subscription$'
grant "$MNP_PROCESSOR_RABBITMQ_URL" "" '^$' '^(bss\\.orders\\.dlx|bss\\.orders\\.retry\\.1|bss\\.orders\\.retry\\.2|bss\\.orders\\.retry\\.3)$' '^bss\\.orders\\.mnp$'
grant "$CHANGE_PROCESSOR_RABBITMQ_URL" "" '^$' '^(bss\\.orders\\.dlx|bss\\.orders\\.retry\\.1|bss\\.orders\\.retry\\.2|bss\\.orders\\.retry\\.3)$' '^bss\\.orders\\.change$'
grant "$TERMINATION_PROCESSOR_RABBITMQ_URL" "" '^$' '^(bss\\.orders\\.dlx|bss\\.orders\\.retry\\.1|bss\\.orders\\.retry\\.2|bss\\.orders\\.retry\\.3)$' '^bss\\.orders\\.termination$'
grant "$OPS_CONSOLE_RABBITMQ_URL" "monitoring" '^$' '^bss\\.orders$' '^bss\\.orders\\.dead$'
grant "$KEDA_RABBITMQ_HOST" "monitoring" '^$' '^$' '^$'

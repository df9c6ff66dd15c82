# shellcheck shell=sh
# The queues' delivery-limit policies for RabbitMQ 4.3 (deliveryLimitPolicies in libs/messaging).
# Rendered by `npx nx run deploy:render` from the order type definitions (libs/contracts/src/lib/order-types)
# and bss-config (deploy/base/config.yaml): change those and render again, never this file;
# a test fails when what is committed differs from what renders.
policy 'bss.orders.no-delivery-limit' '{"pattern":"^(bss\\.orders\\.dead|bss\\.orders\\.events\\.tracker|bss\\.orders\\.retry\\.[0-9]+|bss\\.orders\\.deferral\\.[0-9]+ms)$","apply-to":"queues","priority":10,"definition":{"delivery-limit":-1}}'

#!/usr/bin/env bash
# The suites that run on RabbitMQ 4.x besides the machine's 3.10 (where `npm test` runs everything):
# production runs 4.x, so the broker-facing suites run on each 4.x version we support, each on a
# fresh node (or cluster) started and stopped by tools/rabbitmq-cluster. The README's compatibility
# table lists the same cells. After each run the broker is asked which deprecated features were
# used meanwhile, and none may have been. Needs the apps built (the end-to-end tests start the bundles).
set -euo pipefail
cd "$(dirname "$0")/../.."

with_broker() {
  node tools/rabbitmq-cluster/with-broker.js --broker "$1" --no-deprecated-features -- bash -c "$2"
}

# Integration suites that talk to the broker: the consumer and topology, the processors' kit, the
# order tracking (its store and the tracker app); then the whole system end to end.
INTEGRATION='npx jest -c libs/messaging/jest.config.js && npx jest -c libs/processor-kit/jest.config.js && npx jest -c libs/order-tracking/jest.config.js && npx jest -c apps/order-tracker/jest.config.js'
END_TO_END='npx jest -c apps/system-e2e/jest.config.js --runInBand'

echo "== RabbitMQ 4.3: messaging, processor-kit, order-tracker, end to end"
with_broker 4.3 "$INTEGRATION && $END_TO_END"

echo "== RabbitMQ 4.3: the cluster chaos suite on a three-node 4.3 cluster"
TEST_RABBITMQ_VERSION=4.3 npx jest -c apps/system-e2e/jest.chaos.config.js --runInBand apps/system-e2e/src/chaos/cluster.chaos.spec.ts

echo "== RabbitMQ 4.0: messaging, processor-kit"
with_broker 4.0 'npx jest -c libs/messaging/jest.config.js && npx jest -c libs/processor-kit/jest.config.js'

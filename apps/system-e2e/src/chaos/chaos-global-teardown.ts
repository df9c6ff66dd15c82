import { restoreMemoryWatermark } from '../support/broker-control';
import { formatChaosTable, readChaosRows } from '../support/chaos-table';

/**
 * lost = accepted but neither applied nor dead-lettered; "refused, applied" = an order id that was
 * only ever answered 503 yet reached the backend. Both must be 0, like applied twice.
 */
export default async function printTableAndClearAlarms(): Promise<void> {
  await restoreMemoryWatermark();
  process.stdout.write(
    `\nChaos suite — per client order: lost = 202 but neither applied nor dead-lettered; "refused, applied" = answered only 503, yet applied\n${formatChaosTable(readChaosRows())}\n\n`,
  );
}

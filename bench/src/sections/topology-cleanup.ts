import { topologyNames } from '@bss/contracts';
import { BrokerProbe } from '@bss/messaging/testing';
import { BROKER_URL } from '../broker/raw-amqp';
import { BenchContext } from './context';

/** Removes every queue and exchange declared under `prefix`, so a run leaves nothing behind. */
export async function deleteRunTopology(context: BenchContext, prefix: string): Promise<void> {
  const probe = await BrokerProbe.connect(BROKER_URL);
  try {
    await probe.deleteTopology(topologyNames(prefix));
  } catch (error) {
    context.progress(`could not delete the topology ${prefix}: ${(error as Error).message}`);
  } finally {
    await probe.close();
  }
}

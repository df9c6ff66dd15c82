import { createMetrics } from '@bss/observability';
import { OpsMetrics } from './ops-metrics';

describe('OpsMetrics', () => {
  it('drops a stored combination the store no longer has to 0', async () => {
    const metrics = createMetrics({ enabled: true });
    const ops = new OpsMetrics(metrics);
    ops.recordStored([{ type: 'MNP', reason: 'retries-exhausted', state: 'dead', count: 3 }]);
    ops.recordStored([{ type: 'MNP', reason: 'retries-exhausted', state: 'replayed', count: 3 }]);
    const text = await metrics.exposition();
    expect(text).toContain('bss_dead_letters_stored{type="MNP",reason="retries-exhausted",state="dead"} 0');
    expect(text).toContain('bss_dead_letters_stored{type="MNP",reason="retries-exhausted",state="replayed"} 3');
  });

  it('counts replays per type and queue lengths per queue', async () => {
    const metrics = createMetrics({ enabled: true });
    const ops = new OpsMetrics(metrics);
    ops.recordReplays('MNP', 2);
    ops.recordQueueLengths([{ queue: 'bss.orders.mnp', ready: 7 }]);
    const text = await metrics.exposition();
    expect(text).toContain('bss_dead_letter_replays_total{type="MNP"} 2');
    expect(text).toContain('bss_queue_length{queue="bss.orders.mnp"} 7');
  });
});

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

  it('shows the backlog per type: +Inf when it does not drain, NaN when not known', async () => {
    const metrics = createMetrics({ enabled: true });
    const ops = new OpsMetrics(metrics);
    ops.recordBacklogs([
      { type: 'MNP', backlog: { waitingOrders: 3, oldestAge: { seconds: 42.5 }, drainTime: { seconds: null, reason: 'not draining (drain rate 0/s)', infinite: true } } },
      { type: 'CHANGE', backlog: { waitingOrders: null, oldestAge: { seconds: null, reason: 'tracking store unavailable' }, drainTime: { seconds: 1.5 } } },
    ]);
    const text = await metrics.exposition();
    expect(text).toContain('bss_backlog_oldest_age_seconds{type="MNP"} 42.5');
    expect(text).toContain('bss_backlog_drain_seconds{type="MNP"} +Inf');
    expect(text).toMatch(/bss_backlog_oldest_age_seconds\{type="CHANGE"\} NaN/i);
    expect(text).toContain('bss_backlog_drain_seconds{type="CHANGE"} 1.5');
  });
});

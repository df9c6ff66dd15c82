import { topologyNames } from '@bss/contracts';
import { Point, QueuePoint } from './overview-point';
import { projectOverview } from './overview-view';

const names = topologyNames('test.view');
const options = { names, intervalMs: 1000, historySeconds: 60 };

function point(at: number, queues: Record<string, Partial<QueuePoint>>, depthOfMnpFlow = 0): Point {
  return {
    at,
    queues: new Map(Object.entries(queues).map(([queue, value]) => [queue, { ready: 0, unacked: 0, consumers: 0, ...value }])),
    backendRate: new Map([['MNP', 40]]),
    retryRate: new Map(),
    budget: new Map([['MNP', 50]]),
    learnedLimit: new Map([['MNP', 46.5]]),
    stored: [{ type: 'MNP', reason: 'backend-rejected', state: 'dead', count: 2 }],
    flows: new Map([['MNP', { arrivalRate: 100 + depthOfMnpFlow, drainRate: 40, source: 'processors' }]]),
    tracking: { waiting: [{ type: 'MNP', waiting: 4, oldestAcceptedAt: new Date(at - 12_000).toISOString() }] },
  };
}

describe('projectOverview', () => {
  it('shows each type at its latest point, with its series over the window', () => {
    const history = [point(1000, { [names.queueFor('MNP')]: { ready: 5 } }), point(2000, { [names.queueFor('MNP')]: { ready: 7, unacked: 3, consumers: 2 } }, 1)];
    const mnp = projectOverview(history, [], options).types.find((type) => type.type === 'MNP');
    expect(mnp).toMatchObject({ depth: 10, ready: 7, unacked: 3, consumers: 2, arrivalRate: 101, drainRate: 40, rateSource: 'processors', backendRate: 40, backendBudget: 50, learnedLimit: 46.5 });
    expect(mnp?.deadLetters).toEqual({ dead: 2, replayed: 0, purged: 0 });
    expect(mnp?.history).toEqual({ t: [1000, 2000], depth: [5, 10], arrivalRate: [100, 101], drainRate: [40, 40], backendRate: [40, 40] });
  });

  it("shows each type's backlog: the oldest waiting order's age at the sample, and the time to drain at the current rate", () => {
    const overview = projectOverview([point(1000, {}), point(2000, { [names.queueFor('MNP')]: { ready: 100, unacked: 20 } })], [], options);
    const byType = new Map(overview.types.map((type) => [type.type, type.backlog]));
    expect(byType.get('MNP')).toEqual({ waitingOrders: 4, oldestAge: { seconds: 12 }, drainTime: { seconds: 3 } });
    expect(byType.get('CHANGE')).toEqual({ waitingOrders: 0, oldestAge: { seconds: 0 }, drainTime: { seconds: 0 } });
  });

  it('keeps the queue figures when the tracking store is unavailable, and says the age is unknown', () => {
    const down = { ...point(1000, { [names.queueFor('MNP')]: { ready: 8 } }), tracking: { unavailable: 'connect ECONNREFUSED' } };
    const mnp = projectOverview([down], ['tracking store: connect ECONNREFUSED'], options).types.find((type) => type.type === 'MNP');
    expect(mnp).toMatchObject({ depth: 8, drainRate: 40, backlog: { waitingOrders: null, oldestAge: { seconds: null, reason: 'tracking store unavailable' }, drainTime: { seconds: 0.2 } } });
  });

  it('counts retries and deferrals apart, queue by queue', () => {
    const history = [
      point(1000, {
        [names.retryQueueFor(1)]: { ready: 2 },
        [names.retryQueueFor(2)]: { ready: 1 },
        [names.deferralQueueFor(60_000)]: { ready: 4 },
        [names.deadLetterQueue]: { ready: 9 },
      }),
    ];
    const overview = projectOverview(history, ['broker: not connected'], options);
    expect(overview.retries).toEqual({ total: 3, queues: [{ queue: 'test.view.retry.1', depth: 2 }, { queue: 'test.view.retry.2', depth: 1 }] });
    expect(overview.deferrals).toEqual({ total: 4, queues: [{ queue: 'test.view.deferral.60000ms', depth: 4 }] });
    expect(overview.deadLetterQueue).toEqual({ queue: names.deadLetterQueue, ready: 9 });
    expect(overview.problems).toEqual(['broker: not connected']);
  });

  it('has nothing to show before the first sample', () => {
    const overview = projectOverview([], [], options);
    expect(overview.sampledAt).toBeNull();
    expect(overview.types.every((type) => type.depth === 0 && type.arrivalRate === null)).toBe(true);
    expect(overview.types[0].backlog.oldestAge).toEqual({ seconds: null, reason: 'not sampled yet' });
  });
});

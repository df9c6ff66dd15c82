import { ORDER_TYPES } from '@bss/contracts';
import { RunResult } from '../run/run-load';
import { judge } from './verdict';

const CAPACITY = Object.fromEntries(ORDER_TYPES.map((type) => [type, { ratePerSecond: 50, maxInFlight: 10 }])) as RunResult['capacity'];

function queueRun(offered: number[], peakBacklog: number, drained = true): RunResult {
  return {
    mode: 'queue',
    profile: 'test',
    startedAtMs: 0,
    sendEndedAtMs: offered.length * 1000,
    drainedAtMs: offered.length * 1000 + 5000,
    drained,
    capacity: CAPACITY,
    offered,
    intake: [],
    queueDepth: [{ second: 1, depth: { MNP: peakBacklog } }],
    backend: offered.map((rate, second) => ({ second, type: 'MNP', requests: Math.min(rate, 40), completed: Math.min(rate, 40), errors: 0, inFlightPeak: 1 })),
    learnedLimit: [],
    replicaShares: [],
    orders: [{ type: 'MNP', sentAtMs: 0, status: 202, latencyMs: 1, outcome: 'accepted' }],
    accounting: { accepted: 1, applied: 1, rejectedByBusiness: 0, appliedTwice: 0, deadLettered: 0, lost: 0, failedOutright: 0 },
  };
}

const backlogVerdict = (run: RunResult) => judge(run).checks.find((check) => check.name.includes('backlog'));

describe('the queue run verdict', () => {
  it('passes a gentle profile that never exceeds capacity: nothing to absorb is not a failure', () => {
    const verdict = judge(queueRun([10, 12, 11, 10], 0));
    expect(verdict.checks.every((check) => check.passed)).toBe(true);
    expect(backlogVerdict(queueRun([10, 12], 0))?.detail).toMatch(/nothing to absorb/);
  });

  it('passes a burst above capacity that the queue held and drained', () => {
    expect(backlogVerdict(queueRun([10, 300, 300, 10], 400))).toMatchObject({ passed: true });
  });

  it('fails a burst above capacity that never showed up as a backlog, or a backlog left undrained', () => {
    expect(backlogVerdict(queueRun([10, 300, 300, 10], 0))).toMatchObject({ passed: false });
    expect(backlogVerdict(queueRun([10, 300, 300, 10], 400, false))).toMatchObject({ passed: false });
  });
});

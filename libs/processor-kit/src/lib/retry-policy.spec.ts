import { decideRetry, retryStepsOf } from './retry-policy';

const schedule = { maxRetries: 3, backoffMs: [1000, 4000], jitterPercent: 20 };

describe('decideRetry', () => {
  it('retries MAX_RETRIES times through the steps, repeating the last, then stops', () => {
    const middle = () => 0.5;
    expect(decideRetry(schedule, 1, middle)).toEqual({ retry: true, step: 1, delayMs: 1000 });
    expect(decideRetry(schedule, 2, middle)).toEqual({ retry: true, step: 2, delayMs: 4000 });
    expect(decideRetry(schedule, 3, middle)).toEqual({ retry: true, step: 2, delayMs: 4000 });
    expect(decideRetry(schedule, 4, middle)).toEqual({ retry: false });
    expect(decideRetry({ ...schedule, maxRetries: 0 }, 1, middle)).toEqual({ retry: false });
  });

  it('spreads each delay by at most the jitter percentage', () => {
    expect(decideRetry(schedule, 1, () => 0)).toMatchObject({ delayMs: 800 });
    expect(decideRetry(schedule, 1, () => 0.999999)).toMatchObject({ delayMs: 1200 });
    expect(decideRetry({ ...schedule, jitterPercent: 0 }, 2, Math.random)).toMatchObject({ delayMs: 4000 });
  });

  it('needs one delay queue per step', () => {
    expect(retryStepsOf(schedule)).toBe(2);
  });
});

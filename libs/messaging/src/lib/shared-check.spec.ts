import { SharedCheck } from './shared-check';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe('SharedCheck', () => {
  it('runs once for a caller when nothing is under way', async () => {
    let runs = 0;
    const check = new SharedCheck(async () => ++runs);
    expect(await check.run()).toBe(1);
    expect(await check.run()).toBe(2);
  });

  it('answers callers that arrive during a run with one run that starts after it, not with the stale one', async () => {
    const results = [deferred<string>(), deferred<string>()];
    let runs = 0;
    const check = new SharedCheck(() => results[runs++].promise);
    const first = check.run();
    const second = check.run();
    const third = check.run();
    expect(runs).toBe(1);
    results[0].resolve('before');
    expect(await first).toBe('before');
    await Promise.resolve();
    expect(runs).toBe(2);
    results[1].resolve('after');
    expect(await Promise.all([second, third])).toEqual(['after', 'after']);
  });

  it('starts the next run even when the one under way failed', async () => {
    const results = [deferred<string>(), deferred<string>()];
    let runs = 0;
    const check = new SharedCheck(() => (runs++ === 0 ? results[0].promise.then(() => Promise.reject(new Error('gone'))) : results[1].promise));
    const first = check.run();
    const second = check.run();
    results[0].resolve('');
    await expect(first).rejects.toThrow('gone');
    results[1].resolve('fresh');
    expect(await second).toBe('fresh');
  });
});

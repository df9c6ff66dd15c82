import { ClientScenarioResult } from './client-scenario';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every order the client meant to place reached the backend exactly once and nothing refused was
 * applied; every app was ready again at the end; every 503 and 504 said when to retry.
 */
export function expectEveryOrderOnce(result: ClientScenarioResult): void {
  const { audit } = result;
  expect(audit).toMatchObject({ appliedTwice: 0, lost: 0, refusedButApplied: 0, unresolved: 0, deadLettered: 0 });
  expect(audit.appliedOnce).toBe(audit.sent);
  expect(audit.sent).toBeGreaterThan(0);
  expect(audit.readyAgainSec).not.toBe('never');
  expectRetryAfterOnRetryableAnswers(result);
}

export function expectRetryAfterOnRetryableAnswers({ records }: ClientScenarioResult): void {
  const retryable = records.flatMap((record) => record.attempts).filter((attempt) => attempt.status === 503 || attempt.status === 504);
  expect(retryable.filter((attempt) => attempt.retryAfterSec === undefined)).toEqual([]);
}

/**
 * Refused without waiting for any confirm: nine in ten within 100 ms, none near PUBLISH_TIMEOUT_MS
 * (the machine is shared by the brokers and every app, so a single answer may be slow).
 */
export function expectImmediateRefusals({ records }: ClientScenarioResult): void {
  const durations = records
    .flatMap((record) => record.attempts)
    .filter((attempt) => attempt.status === 503)
    .map((attempt) => attempt.durationMs)
    .sort((a, b) => a - b);
  expect(durations.length).toBeGreaterThan(0);
  expect(durations[Math.floor(durations.length * 0.9)]).toBeLessThan(100);
  expect(durations.at(-1)).toBeLessThan(1000);
}

/** The statuses the client saw, counted. */
export function statusCounts({ records }: ClientScenarioResult): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const attempt of records.flatMap((record) => record.attempts)) counts[attempt.status] = (counts[attempt.status] ?? 0) + 1;
  return counts;
}

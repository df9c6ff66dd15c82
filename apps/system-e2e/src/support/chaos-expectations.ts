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
 * Refused because the broker blocked publishing, without anything sent: no refusal waited anywhere
 * near PUBLISH_TIMEOUT_MS (1 s) for a confirm. How fast each came is not asserted here — the machine
 * is shared by the brokers, every app and the client — only that none waited for a confirm.
 */
export function expectImmediateRefusals({ records }: ClientScenarioResult): void {
  const refusals = records.flatMap((record) => record.attempts).filter((attempt) => attempt.status === 503);
  expect(refusals.filter((attempt) => attempt.reason === 'broker-blocked').length).toBeGreaterThan(0);
  expect(refusals.reduce((longest, attempt) => Math.max(longest, attempt.durationMs), 0)).toBeLessThan(1000);
}

/** The statuses the client saw, counted. */
export function statusCounts({ records }: ClientScenarioResult): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const attempt of records.flatMap((record) => record.attempts)) counts[attempt.status] = (counts[attempt.status] ?? 0) + 1;
  return counts;
}

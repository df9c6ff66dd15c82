import { randomUUID } from 'node:crypto';

export const CORRELATION_ID_HEADER = 'x-correlation-id';

const ACCEPTABLE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's correlation id when it is a sane token; otherwise starts a new one. */
export function resolveCorrelationId(candidate: unknown): string {
  return typeof candidate === 'string' && ACCEPTABLE_CORRELATION_ID.test(candidate) ? candidate : randomUUID();
}

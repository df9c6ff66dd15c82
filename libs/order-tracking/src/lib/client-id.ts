import { createHash } from 'node:crypto';

/** The client of an order placed without API keys configured (local runs): everyone is this one client. */
export const ANONYMOUS_CLIENT_ID = 'anonymous';

/**
 * The id under which a client's orders and callbacks are kept: a digest of its API key, so that the
 * key itself is never stored, logged or put on a message, yet one key always finds its own orders.
 */
export function clientIdOf(apiKey: string | undefined): string {
  if (apiKey === undefined) return ANONYMOUS_CLIENT_ID;
  return `key-${createHash('sha256').update(apiKey).digest('hex').slice(0, 20)}`;
}

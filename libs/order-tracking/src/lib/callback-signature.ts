import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header of every callback delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const CALLBACK_SIGNATURE_HEADER = 'x-bss-signature';
export const CALLBACK_EVENT_ID_HEADER = 'x-bss-event-id';

/** How old a signed timestamp a receiver should accept at most; older ones may be replays. */
export const CALLBACK_SIGNATURE_TOLERANCE_SEC = 300;

export function newCallbackSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** The signature header for `body` sent at `unixSeconds`. */
export function signCallback(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacOf(secret, unixSeconds, body)}`;
}

export type SignatureCheck = { valid: true } | { valid: false; problem: string };

/**
 * What a receiver does with a delivery: recompute the HMAC over the timestamp and the raw body, compare
 * in constant time, and refuse a timestamp outside the tolerance, so a captured delivery cannot be
 * replayed later.
 */
export function verifyCallbackSignature(
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSec = CALLBACK_SIGNATURE_TOLERANCE_SEC,
): SignatureCheck {
  const parts = new Map((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const signature = parts.get('v1');
  if (!Number.isSafeInteger(timestamp) || !signature) return { valid: false, problem: 'the signature header is missing or malformed' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSec) return { valid: false, problem: 'the signed timestamp is outside the tolerance' };
  const expected = Buffer.from(hmacOf(secret, timestamp, body), 'hex');
  const presented = Buffer.from(signature, 'hex');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { valid: false, problem: 'the signature does not match' };
  return { valid: true };
}

function hmacOf(secret: string, unixSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
}

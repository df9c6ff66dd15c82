export const REDACTED = '***';

/** Query parameters that carry credentials in the URLs our clients and brokers use. */
const SECRET_PARAMETER = /pass|secret|token|key|auth|credential/i;

/**
 * A connection URL safe to show: the password and any credential-like query parameter replaced, the
 * user, host, port and vhost kept (they say where the app connects, which is what an operator asks).
 * Text that is not a URL with a host is hidden whole: `user:pass@host` parses as a URL of scheme `user:`.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return REDACTED;
  }
  if (url.host === '') return REDACTED;
  if (url.password) url.password = REDACTED;
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAMETER.test(name)) url.searchParams.set(name, REDACTED);
  }
  return url.toString();
}

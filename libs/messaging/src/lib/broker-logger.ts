/** The slice of a structured logger the messaging layer writes to; pino satisfies it. */
export interface BrokerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentBrokerLogger: BrokerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Connection URLs carry credentials; logs get the host only. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparseable url)';
  }
}

import pino, { Logger, LevelWithSilent } from 'pino';
import { stdoutLogDestination } from './log-destination';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly service: string;
  readonly level: LevelWithSilent;
  /** Where lines go; standard output (asynchronous writes) unless a test captures them. */
  readonly destination?: pino.DestinationStream;
}

/**
 * Where credentials would sit in a logged object (no line logs them today); pino replaces them
 * before a line is written. Exact paths only: pino runs a path's redactor only on lines that
 * have its first key, where a wildcard path runs on every value of every line.
 */
const REDACTED_PATHS = [
  'password',
  'apiKey',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/** One JSON object per line, ISO timestamps, the level as a word, the service on every line. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      messageKey: 'msg',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? stdoutLogDestination(),
  );
}

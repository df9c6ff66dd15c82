import { flushLogs } from './log-destination';

/**
 * Runs an app's start-up; any error (a bad configuration above all) ends the process with a
 * JSON line on stderr that names the problem, instead of a half-started app. The lines logged
 * before the error are written out first.
 */
export async function startOrExit(service: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (error) {
    const line = {
      level: 'fatal',
      time: new Date().toISOString(),
      service,
      msg: `${service} failed to start`,
      err: error instanceof Error ? error.message : String(error),
    };
    await flushLogs();
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  }
}

import { LevelWithSilent, Logger } from 'pino';
import { createLogger } from './logger';
import { startOrExit } from './fail-fast';

/** What every app's configuration has: where it listens and how much it logs. */
export interface ServedConfig {
  readonly PORT: number;
  readonly HOST: string;
  readonly LOG_LEVEL: LevelWithSilent;
}

/** The part of a Nest application the start-up needs. */
export interface ListeningApp {
  listen(port: number, host: string): Promise<unknown>;
}

/** An app's composition root, the same shape for every app: its config, its wiring, what it says once up. */
export interface ServedApp<C extends ServedConfig> {
  readonly service: string;
  readonly loadConfig: () => C;
  /** Builds the app from its config; start-up work that must finish before it listens is done here. */
  readonly create: (config: C, logger: Logger) => Promise<ListeningApp>;
  /** The facts logged once it listens (never secrets). */
  readonly describe: (config: C) => Record<string, unknown>;
}

/**
 * Starts an app: validated config, JSON logs, its wiring, then listening; a failure at any step
 * ends the process naming the problem (`startOrExit`).
 */
export function serveApp<C extends ServedConfig>(app: ServedApp<C>): Promise<void> {
  return startOrExit(app.service, async () => {
    const config = app.loadConfig();
    const logger = createLogger({ service: app.service, level: config.LOG_LEVEL });
    const listening = await app.create(config, logger);
    await listening.listen(config.PORT, config.HOST);
    logger.info({ port: config.PORT, ...app.describe(config) }, `${app.service} listening`);
  });
}

import { Variable } from './variables';

export type ConfigSchema = Record<string, Variable<unknown>>;
export type ConfigOf<S extends ConfigSchema> = { readonly [K in keyof S]: S[K] extends Variable<infer T> ? T : never };

/** Thrown when the environment does not fit the schema; names every bad or missing variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every variable of the schema from the environment at once, so a broken deployment learns
 * all its mistakes in one start-up rather than one per restart. Secret values never appear in errors.
 */
export function loadConfig<S extends ConfigSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(schema)) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      if (variable.defaultValue === undefined) problems.push(`${name} is required: ${variable.description}`);
      config[name] = variable.defaultValue;
      continue;
    }
    try {
      config[name] = variable.parse(raw);
    } catch (error) {
      const shown = variable.secret ? '(secret value hidden)' : JSON.stringify(raw);
      problems.push(`${name} ${(error as Error).message}; got ${shown}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}

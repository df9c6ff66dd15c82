import { ConfigError, ConfigOf, loadConfig, opsConsoleAppSchema } from '@bss/config';

export type OpsConfig = ConfigOf<typeof opsConsoleAppSchema>;

/** Loads the configuration and refuses a console nobody could sign in to. */
export function loadOpsConfig(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  const config = loadConfig(opsConsoleAppSchema, env);
  if (config.OPS_VIEWER_TOKENS.length === 0 && config.OPS_OPERATOR_TOKENS.length === 0) {
    throw new ConfigError([
      'OPS_VIEWER_TOKENS and OPS_OPERATOR_TOKENS are both empty: set at least one token (16 to 256 characters), or nobody can use the console',
    ]);
  }
  return config;
}

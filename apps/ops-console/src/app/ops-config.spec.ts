import { ConfigError } from '@bss/config';
import { loadOpsConfig } from './ops-config';

describe('loadOpsConfig', () => {
  it('refuses to start when nobody could sign in', () => {
    expect(() => loadOpsConfig({})).toThrow(ConfigError);
    expect(() => loadOpsConfig({})).toThrow(/OPS_VIEWER_TOKENS and OPS_OPERATOR_TOKENS are both empty/);
  });

  it('runs on local defaults with one token', () => {
    expect(loadOpsConfig({ OPS_VIEWER_TOKENS: 'viewer-token-aaaaaaaa' })).toMatchObject({
      PORT: 8085,
      DATABASE_SCHEMA: 'bss_ops',
      SAMPLE_INTERVAL_MS: 1000,
      HISTORY_SECONDS: 300,
      PROCESSOR_METRICS_URLS: [],
    });
  });

  it('hides secret values when they are wrong', () => {
    try {
      loadOpsConfig({ OPS_OPERATOR_TOKENS: 'short', RABBITMQ_MANAGEMENT_URL: 'ftp://user:secret@host' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems.join('\n')).not.toMatch(/short|secret@/);
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});

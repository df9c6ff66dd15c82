import { ConfigError, loadConfig } from './load-config';
import { backendSimulatorSchema, brokerSchema, commonSchema, processorSchema as processorSchemaWith, producerSchema } from './schemas';

const processorSchema = processorSchemaWith({ concurrency: 10, backendRateLimit: 100, backendMaxConcurrency: 20 });

const processorApp = { ...commonSchema, ...brokerSchema, ...processorSchema };

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs against the local broker with an empty environment, keeping the seed defaults', () => {
    const config = loadConfig(processorApp, {});
    expect(config).toMatchObject({
      RABBITMQ_URL: ['amqp://guest:guest@127.0.0.1:5672'],
      RABBITMQ_HEARTBEAT_SEC: 3,
      QUEUE_NAME: 'bss.orders',
      MAX_RETRIES: 3,
      BATCH_SIZE: 100,
      PROCESSING_TIMEOUT_SEC: 300,
      LOG_LEVEL: 'info',
      MONITORING_ENABLED: true,
    });
  });

  it('parses typed values from the environment', () => {
    const config = loadConfig(processorApp, {
      MAX_RETRIES: '5',
      MONITORING_ENABLED: 'off',
      LOG_LEVEL: 'DEBUG',
      RABBITMQ_URL: 'amqps://user:pw@rabbit:5671/bss',
    });
    expect(config.MAX_RETRIES).toBe(5);
    expect(config.MONITORING_ENABLED).toBe(false);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.RABBITMQ_URL).toEqual(['amqps://user:pw@rabbit:5671/bss']);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf(() =>
      loadConfig(processorApp, { MAX_RETRIES: 'three', BATCH_SIZE: '0', LOG_LEVEL: 'loud', BACKEND_URL: 'ftp://x' }),
    );
    expect(problems).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace; got "loud"',
      'MAX_RETRIES must be an integer from 0 to 50; got "three"',
      'BATCH_SIZE must be an integer from 1 to 10000; got "0"',
      'BACKEND_URL must use http: or https:, not ftp:; got "ftp://x"',
    ]);
  });

  it('never prints a secret value in its errors', () => {
    const problems = problemsOf(() => loadConfig(brokerSchema, { RABBITMQ_URL: 'http://admin:s3cret@rabbit' }));
    expect(problems).toEqual(['RABBITMQ_URL must use amqp: or amqps:, not http:; got (secret value hidden)']);
    const keyProblems = problemsOf(() => loadConfig(producerSchema, { API_KEYS: 'short' }));
    expect(keyProblems.join()).not.toContain('short');
  });

  it('takes one broker address per cluster node, comma-separated, and names the bad one', () => {
    const nodes = 'amqp://u:p@rabbit-0:5672, amqp://u:p@rabbit-1:5672,amqp://u:p@rabbit-2:5672';
    expect(loadConfig(brokerSchema, { RABBITMQ_URL: nodes }).RABBITMQ_URL).toEqual([
      'amqp://u:p@rabbit-0:5672',
      'amqp://u:p@rabbit-1:5672',
      'amqp://u:p@rabbit-2:5672',
    ]);
    expect(problemsOf(() => loadConfig(brokerSchema, { RABBITMQ_URL: 'amqp://u:p@a:5672,http://u:p@b' }))).toEqual([
      'RABBITMQ_URL item 2 must use amqp: or amqps:, not http:; got (secret value hidden)',
    ]);
    expect(problemsOf(() => loadConfig(brokerSchema, { RABBITMQ_URL: ' , ' }))).toEqual([
      'RABBITMQ_URL must name at least one URL; got (secret value hidden)',
    ]);
  });

  it('reports a required variable that is missing', () => {
    const schema = { TOKEN: { ...producerSchema.API_KEYS, defaultValue: undefined, description: 'the token' } };
    expect(problemsOf(() => loadConfig(schema, {}))).toEqual(['TOKEN is required: the token']);
  });

  it('splits lists and drops blanks', () => {
    const config = loadConfig(producerSchema, { API_KEYS: 'key-aaaaaaaaaaaaaaaa, ,key-bbbbbbbbbbbbbbbb,' });
    expect(config.API_KEYS).toEqual(['key-aaaaaaaaaaaaaaaa', 'key-bbbbbbbbbbbbbbbb']);
  });

  it('validates operator keys like API keys, hides them in errors, and defaults to no operator', () => {
    expect(loadConfig(producerSchema, {}).OPERATOR_API_KEYS).toEqual([]);
    expect(loadConfig(producerSchema, { OPERATOR_API_KEYS: 'operator-aaaaaaaaaaaa,operator-bbbbbbbbbbbb' }).OPERATOR_API_KEYS).toEqual([
      'operator-aaaaaaaaaaaa',
      'operator-bbbbbbbbbbbb',
    ]);
    expect(problemsOf(() => loadConfig(producerSchema, { OPERATOR_API_KEYS: 'operator-aaaaaaaaaaaa,too-short' }))).toEqual([
      'OPERATOR_API_KEYS has 1 item(s) that are not 16 to 256 characters without spaces; got (secret value hidden)',
    ]);
  });
});

describe('integer lists', () => {
  it('parses the retry schedule and rejects bad items', () => {
    expect(loadConfig(processorSchema, { RETRY_BACKOFF_MS: '500, 2000,8000' }).RETRY_BACKOFF_MS).toEqual([500, 2000, 8000]);
    expect(loadConfig(processorSchema, {}).RETRY_BACKOFF_MS).toEqual([1000, 4000, 16000]);
    expect(() => loadConfig(processorSchema, { RETRY_BACKOFF_MS: '1s,2s' })).toThrow(
      'RETRY_BACKOFF_MS must be at least 1 comma-separated integers from 0 to 86400000; got "1s,2s"',
    );
  });
});

describe('decimals', () => {
  it('parses a share within its bounds and rejects anything else', () => {
    expect(loadConfig(backendSimulatorSchema, {}).PENDING_SHARE).toBe(0);
    expect(loadConfig(backendSimulatorSchema, { PENDING_SHARE: '0.25' }).PENDING_SHARE).toBe(0.25);
    expect(loadConfig(backendSimulatorSchema, { PENDING_SHARE: '1' }).PENDING_SHARE).toBe(1);
    expect(problemsOf(() => loadConfig(backendSimulatorSchema, { PENDING_SHARE: '1.5' }))).toEqual(['PENDING_SHARE must be a number from 0 to 1; got "1.5"']);
    expect(problemsOf(() => loadConfig(backendSimulatorSchema, { PENDING_SHARE: '10%' }))).toEqual(['PENDING_SHARE must be a number from 0 to 1; got "10%"']);
  });
});

import { decimal, flag, integer, integerList, list, oneOf, text, url, urlList } from './variables';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** Settings of every app: logging and monitoring. */
export const commonSchema = {
  LOG_LEVEL: oneOf(LOG_LEVELS, { default: 'info', description: 'Minimum level of the JSON logs' }),
  MONITORING_ENABLED: flag({ default: true, description: 'Expose /metrics and record metrics' }),
};

/** Where the broker is and how the topology is named and bounded. */
export const brokerSchema = {
  RABBITMQ_URL: urlList({
    protocols: ['amqp:', 'amqps:'],
    secret: true,
    default: ['amqp://guest:guest@127.0.0.1:5672'],
    description:
      'AMQP URL of RabbitMQ, credentials included (from a Secret in Kubernetes); for a cluster, one URL per node, comma-separated: apps connect to any live node and move on when it fails',
  }),
  RABBITMQ_HEARTBEAT_SEC: integer({
    min: 1,
    max: 60,
    default: 3,
    description: 'AMQP heartbeat; a dead, hung or partitioned node is noticed after two to three of them without a frame, and the app moves to another node',
  }),
  QUEUE_NAME: text({
    default: 'bss.orders',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/,
    hint: 'letters, digits, dots, dashes and underscores',
    description:
      'Topology prefix: exchange <QUEUE_NAME>, queues <QUEUE_NAME>.<type>, dead letters <QUEUE_NAME>.dead (the seed used one queue, bss_single_queue)',
  }),
  DECLARE_TOPOLOGY: flag({
    default: true,
    description:
      'Declare exchanges, queues and bindings at start-up; off where a setup job or the topology operator owns them and apps have least-privilege users',
  }),
  QUEUE_MAX_LENGTH: integer({
    min: 1,
    max: 100_000_000,
    default: 100_000,
    description: 'Bound of each order queue; past it publishes are refused and the API answers 503',
  }),
  QUEUE_DELIVERY_LIMIT: integer({
    min: 1,
    max: 1000,
    default: 20,
    description: 'Deliveries after which the broker dead-letters a message (a crash-loop safety net)',
  }),
};

/** Whether an app publishes order lifecycle events for the tracker. */
export const trackingSchema = {
  ORDER_TRACKING: flag({
    default: true,
    description: 'Publish each order transition as a lifecycle event for the order tracker (off only to measure what tracking costs)',
  }),
};

/** Where the order tracker keeps every order's state, timeline and callbacks: the tracker writes, producer-api reads. */
export const trackingStoreSchema = {
  TRACKING_DATABASE_URL: url({
    protocols: ['postgres:', 'postgresql:'],
    secret: true,
    default: 'postgres://postgres@127.0.0.1:5432/test',
    description: 'PostgreSQL holding the order tracker\'s tables, credentials included (from a Secret in Kubernetes)',
  }),
  TRACKING_DATABASE_SCHEMA: text({
    default: 'bss_tracking',
    pattern: /^[a-z_][a-z0-9_]{0,62}$/,
    hint: 'a lower-case SQL identifier (letters, digits, underscores)',
    description: 'Schema of the order tracker\'s tables, created by the tracker at start-up if missing',
  }),
};

export const orderTrackerSchema = {
  TRACKING_RETENTION_DAYS: integer({ min: 1, max: 3650, default: 30, description: 'Days an order is kept after its last transition; older ones are removed' }),
  TRACKER_BATCH_SIZE: integer({
    min: 1,
    max: 5000,
    default: 1000,
    description: 'Most lifecycle events written to PostgreSQL in one transaction (also the prefetch of event batches)',
  }),
  CALLBACK_TIMEOUT_MS: integer({ min: 100, max: 60_000, default: 5000, description: 'Longest a callback receiver may take to answer' }),
  CALLBACK_MAX_ATTEMPTS: integer({
    min: 1,
    max: 100,
    default: 12,
    description: 'Deliveries of one callback event before it is given up and shown to operators as undeliverable',
  }),
  CALLBACK_BACKOFF_MS: integerList({
    min: 100,
    max: 86_400_000,
    minItems: 1,
    default: [1000, 2000, 5000, 15_000, 60_000],
    description: 'Wait before redelivering a failed callback, per failed delivery; the last wait repeats',
  }),
  CALLBACK_CONCURRENCY: integer({ min: 1, max: 1000, default: 20, description: 'Callback deliveries in flight at once (never two for the same order)' }),
};

export const httpSchema = (defaultPort: number) => ({
  PORT: integer({ min: 1, max: 65_535, default: defaultPort, description: 'HTTP port (API, health, metrics)' }),
  HOST: text({ default: '0.0.0.0', description: 'Address the HTTP server binds to' }),
});

export const producerSchema = {
  SHUTDOWN_DRAIN_DELAY_SEC: integer({
    min: 0,
    max: 120,
    default: 0,
    description: 'On SIGTERM, time between turning unready and closing, so load balancers stop sending first',
  }),
  API_KEYS: list({
    default: [],
    secret: true,
    itemPattern: /^\S{16,256}$/,
    itemHint: '16 to 256 characters without spaces',
    description: 'Comma-separated API keys; when set, /api/* needs `x-api-key` or `Authorization: Bearer`',
  }),
  OPERATOR_API_KEYS: list({
    default: [],
    secret: true,
    itemPattern: /^\S{16,256}$/,
    itemHint: '16 to 256 characters without spaces',
    description:
      'Comma-separated keys of operators (`x-api-key` or `Authorization: Bearer`), the only callers of operator routes such as POST /api/monitoring/toggle; empty = nobody may call them',
  }),
  BODY_LIMIT_BYTES: integer({ min: 1024, max: 16_777_216, default: 1_048_576, description: 'Largest request body (413 above)' }),
  BATCH_MAX_ITEMS: integer({ min: 1, max: 10_000, default: 500, description: 'Most orders in one batch request' }),
  PUBLISH_TIMEOUT_MS: integer({
    min: 50,
    max: 60_000,
    default: 1_000,
    description: 'Longest wait for the broker to confirm a publish; past it the answer is 504, outcome unknown, with the key to resend it safely',
  }),
  RETRY_AFTER_SEC: integer({ min: 1, max: 3600, default: 5, description: 'Retry-After sent with 503 and 504 answers' }),
};

/**
 * How long a client may take to send a request, and how long an idle connection is kept: a client
 * that trickles its request a byte at a time is cut off instead of holding a socket for minutes.
 */
export const httpEdgeSchema = {
  HTTP_HEADERS_TIMEOUT_SEC: integer({
    min: 1,
    max: 600,
    default: 10,
    description: 'Time a client has to send the request line and headers; past it the connection is closed (408)',
  }),
  HTTP_REQUEST_TIMEOUT_SEC: integer({
    min: 1,
    max: 600,
    default: 30,
    description: 'Time a client has to send the whole request, body included; past it the connection is closed (408)',
  }),
  HTTP_KEEP_ALIVE_TIMEOUT_SEC: integer({
    min: 1,
    max: 600,
    default: 65,
    description: 'Idle time after which a kept-alive connection is closed; above the 60 s idle timeout of common load balancers, so they close first',
  }),
  HTTP_MAX_HEADER_BYTES: integer({
    min: 1024,
    max: 1_048_576,
    default: 16_384,
    description: 'Largest request line plus headers (431 above)',
  }),
};

/** A processor's own defaults: each order type's definition states what its backend bears. */
export interface ProcessorDefaults {
  readonly concurrency: number;
  readonly backendRateLimit: number;
  readonly backendMaxConcurrency: number;
}

export const processorSchema = (defaults: ProcessorDefaults) => ({
  MAX_RETRIES: integer({ min: 0, max: 50, default: 3, description: 'Retries of a retryable failure before dead-lettering' }),
  BATCH_SIZE: integer({ min: 1, max: 10_000, default: 100, description: 'Upper bound of prefetch (caps CONCURRENCY)' }),
  CONCURRENCY: integer({ min: 1, max: 10_000, default: defaults.concurrency, description: 'Orders processed at once (= prefetch)' }),
  RETRY_BACKOFF_MS: integerList({
    min: 0,
    max: 86_400_000,
    minItems: 1,
    default: [1000, 4000, 16000],
    description: 'Delay before retry 1, 2, ...; the last delay repeats when MAX_RETRIES is larger',
  }),
  RETRY_JITTER_PERCENT: integer({
    min: 0,
    max: 100,
    default: 20,
    description: 'Random spread of each retry delay, ± this percentage, so retries of a burst do not return in step',
  }),
  PROCESSING_TIMEOUT_SEC: integer({
    min: 1,
    max: 1500,
    default: 300,
    description:
      "Longest one processing attempt may take, backend call included; kept below RabbitMQ's 30-minute consumer timeout",
  }),
  SHUTDOWN_GRACE_SEC: integer({
    min: 0,
    max: 3600,
    default: 20,
    description: 'On SIGTERM, how long in-flight orders may finish before the rest is handed back (keep below the pod grace period)',
  }),
  BACKEND_BUDGET: oneOf(['adaptive', 'static'] as const, {
    default: 'adaptive',
    description:
      "adaptive: the replicas learn the backend's safe rate from its latency and overload signals, BACKEND_RATE_LIMIT capping it; static: BACKEND_RATE_LIMIT is the rate",
  }),
  BACKEND_RATE_LIMIT: integer({
    min: 0,
    max: 1_000_000,
    default: defaults.backendRateLimit,
    description: 'Backend calls per second for this order type, all replicas together: the cap of the adaptive budget, the rate of the static one (0 = none)',
  }),
  BACKEND_LATENCY_TOLERANCE: decimal({
    min: 1.1,
    max: 100,
    default: 3.5,
    description: 'Adaptive budget: how many times its unloaded latency the backend may take before the limit stops rising and falls',
  }),
  BACKEND_INITIAL_RATE: integer({
    min: 1,
    max: 1_000_000,
    default: 10,
    description: 'Adaptive budget: calls per second the replicas start from before they have learned anything',
  }),
  BACKEND_MAX_CONCURRENCY: integer({
    min: 0,
    max: 100_000,
    default: defaults.backendMaxConcurrency,
    description: 'Backend calls in flight for this order type, all replicas together (0 = unlimited)',
  }),
  REDIS_URL: url({
    protocols: ['redis:', 'rediss:'],
    secret: true,
    default: '',
    description: 'Redis holding the shared backend budget; empty = each replica limits itself in-process',
  }),
  BACKEND_URL: url({
    protocols: ['http:', 'https:'],
    default: 'http://127.0.0.1:8090',
    description: 'Base URL of the BSS backend (the simulator locally)',
  }),
});

export const backendSimulatorSchema = {
  SIM_SERVICE_TIME_MS: integer({ min: 0, max: 60_000, default: 5, description: 'Time the simulated backend spends per order at light load' }),
  SIM_CAPACITY_RPS: integer({
    min: 1,
    max: 1_000_000,
    default: 100,
    description: 'Orders per second per type the simulated backend bears; past it it slows down, fails and times out',
  }),
  SIM_CAPACITY_RPS_BY_TYPE: list({
    default: [],
    itemPattern: /^[A-Za-z]+=\d+$/,
    itemHint: 'TYPE=ordersPerSecond, e.g. MNP=40',
    description: 'Per-type capacities overriding SIM_CAPACITY_RPS, e.g. MNP=40,CHANGE=60',
  }),
  SIM_MAX_IN_FLIGHT: integer({
    min: 1,
    max: 100_000,
    default: 50,
    description: 'Concurrent requests per type the simulated backend serves; past it it answers 503 at once',
  }),
  SIM_TIMEOUT_MS: integer({
    min: 1,
    max: 600_000,
    default: 5000,
    description: 'Longest the overloaded backend takes before it gives up with 504',
  }),
  PENDING_SHARE: decimal({
    min: 0,
    max: 1,
    default: 0,
    description:
      'Share of MNP orders the simulated backend accepts as pending (202) while the clearing house decides; chosen by order id, so a repeated call never changes it',
  }),
  PENDING_DURATION_MS: integer({
    min: 1,
    max: 3_600_000,
    default: 3000,
    description: 'How long a pending order waits before it resolves to applied or rejected; calls with its Idempotency-Key until then answer 202 again',
  }),
};

export const opsConsoleSchema = {
  DATABASE_URL: url({
    protocols: ['postgres:', 'postgresql:'],
    secret: true,
    default: 'postgres://postgres@127.0.0.1:5432/test',
    description: 'PostgreSQL holding the dead-letter store, credentials included (from a Secret in Kubernetes)',
  }),
  DATABASE_SCHEMA: text({
    default: 'bss_ops',
    pattern: /^[a-z_][a-z0-9_]{0,62}$/,
    hint: 'a lower-case SQL identifier (letters, digits, underscores)',
    description: 'Schema of the dead-letter tables, created at start-up if missing',
  }),
  RABBITMQ_MANAGEMENT_URL: urlList({
    protocols: ['http:', 'https:'],
    secret: true,
    default: ['http://guest:guest@127.0.0.1:15672'],
    description:
      "RabbitMQ management API, credentials in the URL (a monitoring user is enough); for a cluster, one URL per node, comma-separated: a failing node is skipped. Where the console declares the topology (DECLARE_TOPOLOGY, e.g. `npm start`), it also sets the queues' delivery-limit policies through it (RabbitMQ 4.x)",
  }),
  OPS_VIEWER_TOKENS: list({
    default: [],
    secret: true,
    itemPattern: /^\S{16,256}$/,
    itemHint: '16 to 256 characters without spaces',
    description: 'Comma-separated bearer tokens that may read the dashboard and dead letters',
  }),
  OPS_OPERATOR_TOKENS: list({
    default: [],
    secret: true,
    itemPattern: /^\S{16,256}$/,
    itemHint: '16 to 256 characters without spaces',
    description: 'Comma-separated bearer tokens that may also replay and purge dead letters',
  }),
  PROCESSOR_METRICS_URLS: list({
    default: [],
    itemPattern: /^https?:\/\/\S+$/,
    itemHint: 'http(s) URLs of /metrics endpoints',
    description:
      "Processors' /metrics URLs; a host resolving to several addresses (a headless Service) is scraped at each address",
  }),
  SAMPLE_INTERVAL_MS: integer({ min: 100, max: 60_000, default: 1000, description: 'How often the live overview is sampled' }),
  HISTORY_SECONDS: integer({ min: 10, max: 86_400, default: 300, description: 'How much overview history is kept in memory' }),
};

/** Every app's whole schema, in one place: the apps load them, the deployment checks derive env keys from them. */
export const producerApiSchema = {
  ...commonSchema,
  ...brokerSchema,
  ...trackingSchema,
  ...trackingStoreSchema,
  ...httpSchema(8000),
  ...httpEdgeSchema,
  ...producerSchema,
};

export const processorAppSchema = (defaults: ProcessorDefaults & { readonly port: number }) => ({
  ...commonSchema,
  ...brokerSchema,
  ...trackingSchema,
  ...httpSchema(defaults.port),
  ...processorSchema(defaults),
});

export const backendSimulatorAppSchema = { ...commonSchema, ...httpSchema(8090), ...backendSimulatorSchema };

export const opsConsoleAppSchema = { ...commonSchema, ...brokerSchema, ...trackingSchema, ...trackingStoreSchema, ...httpSchema(8085), ...opsConsoleSchema };

export const orderTrackerAppSchema = { ...commonSchema, ...brokerSchema, ...trackingStoreSchema, ...httpSchema(8095), ...orderTrackerSchema };

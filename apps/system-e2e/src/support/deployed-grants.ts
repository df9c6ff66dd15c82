import amqplib, { ChannelModel } from 'amqplib';

/**
 * One line of the rendered grants.sh, `grant "$<SECRET_KEY>" "<tags>" '<configure>' '<write>' '<read>'`,
 * with its regexes unescaped as setup-users.sh's JSON body unescapes them for the broker.
 */
export interface RenderedGrant {
  /** The Secret key holding the user's URL; setup-users.sh takes the user name from that URL. */
  readonly secretKey: string;
  readonly tags: string;
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

/** One line of the rendered policies.sh, `policy '<name>' '<json>'`: the body the setup job PUTs. */
export interface RenderedPolicy {
  readonly name: string;
  readonly body: Record<string, unknown>;
}

const GRANT_LINE = /^grant "\$([A-Z0-9_]+)" "([^"]*)" '([^']*)' '([^']*)' '([^']*)'$/;
const POLICY_LINE = /^policy '([^']+)' '(.+)'$/;

/** setup-users.sh puts each regex between the quotes of a JSON string: JSON decodes it. */
const unescapeJson = (escaped: string): string => JSON.parse(`"${escaped}"`) as string;

/** Every grant of grants.sh; a line that is neither a comment nor a grant fails, so nothing deployed is skipped. */
export function parseGrants(script: string): RenderedGrant[] {
  return scriptLines(script, 'grants.sh').map(({ line, number }) => {
    const match = GRANT_LINE.exec(line);
    if (!match) throw new Error(`grants.sh line ${number} is not a grant this test understands: ${line}`);
    const [, secretKey, tags, configure, write, read] = match;
    return { secretKey, tags, configure: unescapeJson(configure), write: unescapeJson(write), read: unescapeJson(read) };
  });
}

/** Every policy of policies.sh. */
export function parsePolicies(script: string): RenderedPolicy[] {
  return scriptLines(script, 'policies.sh').map(({ line, number }) => {
    const match = POLICY_LINE.exec(line);
    if (!match) throw new Error(`policies.sh line ${number} is not a policy this test understands: ${line}`);
    return { name: match[1], body: JSON.parse(match[2]) as Record<string, unknown> };
  });
}

function scriptLines(script: string, file: string): { line: string; number: number }[] {
  const lines = script
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) throw new Error(`${file} holds nothing to apply`);
  return lines;
}

/** The management API as one user (credentials out of the URL: fetch refuses URLs that carry them). */
export class Management {
  private readonly base: string;
  private readonly authorization: string;

  constructor(managementUrl: string, user?: { name: string; password: string }) {
    const url = new URL(managementUrl);
    const name = user?.name ?? decodeURIComponent(url.username);
    const password = user?.password ?? decodeURIComponent(url.password);
    this.authorization = `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/$/, '');
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.base}/api${path}`, {
      method,
      headers: { authorization: this.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  }

  /** A request that must succeed (2xx), or fails naming what the broker said. */
  async must(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await this.request(method, path, body);
    if (!response.ok) throw new Error(`management API: ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response;
  }

  async json<T>(path: string): Promise<T> {
    return (await (await this.must('GET', path)).json()) as T;
  }
}

export type Operation = 'publish' | 'consume' | 'declare' | 'inspect' | 'monitor';

/** What the broker let one user do to one resource. */
export interface Verdict {
  readonly user: string;
  readonly resource: { readonly kind: 'exchange' | 'queue'; readonly name: string };
  readonly operation: Operation;
  readonly allowed: boolean;
}

export interface DeployedResources {
  /** Exchanges with their type, as declared (to declare them again identically). */
  readonly exchanges: readonly { name: string; type: string }[];
  /** Queues with their arguments, as declared, and the policy the broker applies to each. */
  readonly queues: readonly { name: string; arguments: Record<string, unknown>; policy?: string }[];
}

/** The default exchange: publishing to it reaches any queue by name, so a write grant on it would be a way round every exchange. */
export const DEFAULT_EXCHANGE = '';
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Asks the broker, as `user`, what it may do to each deployed resource, one fresh channel per probe
 * (a refusal closes the channel):
 * - `publish` to each exchange and to the default exchange: the write check happens at publish.
 *   Each probe carries a `user-id` that is not the user's, which the broker checks only after the
 *   write permission: a permitted publish ends in 406 PRECONDITION_FAILED before it is routed, so
 *   no probe leaves a message in the deployed queues (a refused one ends in 403).
 * - `declare` each exchange and queue as the topology job did (configure; same type and arguments,
 *   so a permitted declare changes nothing).
 * - `consume` each queue (read), cancelled at once; run it while nothing is queued.
 * - `inspect` each queue with a passive declare, how the apps read depths: RabbitMQ 3.x checks no
 *   permission for it, 4.x wants some permission (any of the three) on the queue.
 * - `monitor` each queue through the management API, how KEDA and the ops console read queue statistics.
 */
export async function probeUser(
  user: { name: string; password: string },
  broker: { amqpUrl: string; management: string; vhost: string },
  resources: DeployedResources,
): Promise<Verdict[]> {
  const url = new URL(broker.amqpUrl);
  url.username = encodeURIComponent(user.name);
  url.password = encodeURIComponent(user.password);
  url.pathname = `/${encodeURIComponent(broker.vhost)}`;
  const connection = await amqplib.connect(url.toString(), { timeout: PROBE_TIMEOUT_MS });
  connection.on('error', () => undefined);
  const management = new Management(broker.management, user);
  const verdicts: Verdict[] = [];
  const record = (kind: 'exchange' | 'queue', name: string, operation: Operation, allowed: boolean) =>
    verdicts.push({ user: user.name, resource: { kind, name }, operation, allowed });
  try {
    for (const exchange of [{ name: DEFAULT_EXCHANGE, type: 'direct' }, ...resources.exchanges]) {
      record('exchange', exchange.name, 'publish', await publishAllowed(connection, exchange.name, user.name));
      if (exchange.name === DEFAULT_EXCHANGE) continue; // nobody may declare the default exchange, administrators included
      record('exchange', exchange.name, 'declare', await rpcAllowed(connection, 'exchange', exchange.name, (channel) => channel.assertExchange(exchange.name, exchange.type, { durable: true })));
    }
    for (const queue of resources.queues) {
      record('queue', queue.name, 'declare', await rpcAllowed(connection, 'queue', queue.name, (channel) => channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments })));
      record('queue', queue.name, 'inspect', await rpcAllowed(connection, 'queue', queue.name, (channel) => channel.checkQueue(queue.name)));
      record(
        'queue',
        queue.name,
        'consume',
        await rpcAllowed(connection, 'queue', queue.name, async (channel) => {
          const { consumerTag } = await channel.consume(queue.name, () => undefined, { noAck: false });
          await channel.cancel(consumerTag);
        }),
      );
      record('queue', queue.name, 'monitor', await monitorAllowed(management, broker.vhost, queue.name));
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  return verdicts;
}

/** The broker's refusal of access to the probed resource; anything else leaves the probe undecided. */
function isRefusalOf(error: unknown, kind: 'exchange' | 'queue', name: string): boolean {
  const { code, message } = error as { code?: number; message?: string };
  const resource = kind === 'exchange' && name === DEFAULT_EXCHANGE ? 'amq.default' : name;
  // 3.10: "access to queue 'q' in vhost 'v' refused for user 'u'"; 4.x names the permission first ("read access to ...").
  return code === 403 && (message ?? '').includes(`access to ${kind} '${resource}' in vhost`);
}

function undecided(what: string, error: unknown): Error {
  return new Error(`probe undecided: ${what}: ${(error as Error).message}`);
}

/**
 * An operation answered by the broker: done is allowed, refused (403) for this resource is not.
 * A 406 on a declare means the permission check passed and only the arguments differed: the broker
 * checks configure before it compares a queue's or exchange's settings.
 */
async function rpcAllowed(connection: ChannelModel, kind: 'exchange' | 'queue', name: string, work: (channel: amqplib.Channel) => Promise<unknown>): Promise<boolean> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await withTimeout(work(channel), `${kind} ${name}`);
    return true;
  } catch (error) {
    if (isRefusalOf(error, kind, name)) return false;
    if ((error as { code?: number }).code === 406) return true;
    throw undecided(`${kind} '${name}'`, error);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Waits for the close or the confirm of a publish that carries someone else's user-id (see probeUser). */
async function publishAllowed(connection: ChannelModel, exchange: string, user: string): Promise<boolean> {
  const channel = await connection.createConfirmChannel();
  try {
    const outcome = await withTimeout(
      new Promise<'confirmed' | Error>((resolve) => {
        channel.on('error', (error: Error) => resolve(error));
        channel.on('close', () => resolve(new Error('channel closed without an error')));
        channel.publish(exchange, 'grants.probe', Buffer.from('probe'), { userId: `not-${user}`, expiration: '0' }, (error) => {
          if (!error) resolve('confirmed');
        });
      }),
      `publish to '${exchange}'`,
    );
    if (outcome === 'confirmed') return true;
    if (isRefusalOf(outcome, 'exchange', exchange)) return false;
    if ((outcome as { code?: number }).code === 406 && /user_id property/.test(outcome.message)) return true;
    throw undecided(`publish to exchange '${exchange}'`, outcome);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

async function monitorAllowed(management: Management, vhost: string, queue: string): Promise<boolean> {
  const response = await management.request('GET', `/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`);
  await response.arrayBuffer();
  if (response.status === 200) return true;
  if (response.status === 401 || response.status === 403) return false;
  throw new Error(`probe undecided: GET queue '${queue}' from the management API answered ${response.status}`);
}

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS)));
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    if ((error as Error).message.startsWith('no answer within')) throw undecided(what, error);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Strings in a log line (a JSON object or plain text) that tell of the broker or its API refusing a user. */
const PERMISSION_TROUBLE = /ACCESS[_-]REFUSED|NOT[_-]ALLOWED|access to (?:queue|exchange|vhost|topic) [^\n]* refused|permission|forbidden|not[_ ]authori[sz]ed|\b40[13]\b/i;
const STATUS_KEYS = /^(?:status|statusCode|code|replyCode)$/i;

/** The log lines that mention a refusal: an ACCESS_REFUSED, a 401 or 403, a permission error. */
export function permissionTrouble(lines: readonly string[]): string[] {
  return lines.filter((line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return PERMISSION_TROUBLE.test(line);
    }
    return mentionsRefusal(parsed);
  });
}

/** Text anywhere in the line, or a status field of 401/403 (numbers elsewhere are durations and counts, not statuses). */
function mentionsRefusal(value: unknown, key = ''): boolean {
  if (typeof value === 'string') return PERMISSION_TROUBLE.test(value);
  if (typeof value === 'number') return STATUS_KEYS.test(key) && (value === 401 || value === 403);
  if (Array.isArray(value)) return value.some((item) => mentionsRefusal(item, key));
  if (value && typeof value === 'object') return Object.entries(value).some(([name, item]) => mentionsRefusal(item, name));
  return false;
}

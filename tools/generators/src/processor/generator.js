const { formatFiles, joinPathFragments } = require('@nx/devkit');

/**
 * `nx g @bss/tools:processor <type>`: everything a new order type needs, in one idempotent run —
 * the contract (type, payload DTO and its test, example, backend resource), the processor app
 * (handler, settings, build, image), its deployment (Deployment, autoscalers, RabbitMQ user and
 * topology), and the README's list. A type that already has a contract keeps it.
 */
async function processorGenerator(tree, options) {
  const names = namesOf(options.type);
  const contractExists = tree.read('libs/contracts/src/lib/order-type.ts', 'utf-8').includes(`'${names.TYPE}'`);
  if (!contractExists) addContract(tree, names);
  addApp(tree, names);
  addDeployment(tree, names, options);
  addReadmeRow(tree, names);
  await formatFiles(tree);
}

function namesOf(type) {
  if (!/^[A-Za-z]+$/.test(type)) throw new Error(`order type must be letters only, got "${type}"`);
  const lower = type.toLowerCase();
  return { TYPE: type.toUpperCase(), lower, Pascal: lower[0].toUpperCase() + lower.slice(1), app: `${lower}-processor` };
}

/** Writes a file only when it does not exist: a team's edits to its handler are never overwritten. */
function create(tree, path, content) {
  if (!tree.exists(path)) tree.write(path, content);
}

/** Applies an edit only when `marker` is not yet in the file, so a second run changes nothing. */
function edit(tree, path, marker, change) {
  const text = tree.read(path, 'utf-8');
  if (text.includes(marker)) return;
  const changed = change(text);
  if (changed === text) throw new Error(`could not update ${path}: its shape is not what the generator expects`);
  tree.write(path, changed);
}

function addContract(tree, { TYPE, lower, Pascal }) {
  const lib = 'libs/contracts/src';
  edit(tree, `${lib}/lib/order-type.ts`, `'${TYPE}'`, (text) => text.replace(/(export const ORDER_TYPES = \[[^\]]*)\] as const;/, `$1, '${TYPE}'] as const;`));
  create(
    tree,
    `${lib}/lib/payloads/${lower}.payload.ts`,
    `import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCustomerId, IsMsisdn } from './field-rules';

/** A ${TYPE} order. Add this order type's own fields here; unknown fields are rejected. */
export class ${Pascal}Payload {
  @IsCustomerId()
  customerId!: string;

  @IsMsisdn()
  msisdn!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
`,
  );
  create(
    tree,
    `${lib}/lib/payloads/${lower}.payload.spec.ts`,
    `import { EXAMPLE_PAYLOADS } from '../fixtures';
import { validatePayload } from '../envelope';

describe('${Pascal}Payload', () => {
  it('accepts the example', () => {
    expect(validatePayload('${TYPE}', 'api', EXAMPLE_PAYLOADS.${TYPE}).ok).toBe(true);
  });

  it('rejects a bad MSISDN and unknown fields', () => {
    const result = validatePayload('${TYPE}', 'api', { ...EXAMPLE_PAYLOADS.${TYPE}, msisdn: '02-123-4567', extra: 1 });
    expect(!result.ok && result.errors.map((error) => error.field)).toEqual(['payload.extra', 'payload.msisdn']);
  });
});
`,
  );
  edit(tree, `${lib}/lib/payloads/payload-registry.ts`, `${Pascal}Payload`, (text) =>
    text
      .replace(/(import \{ TerminationPayload \} from '\.\/termination\.payload';)/, `$1\nimport { ${Pascal}Payload } from './${lower}.payload';`)
      .replace(/(\n\} satisfies Record<OrderType)/, `\n  ${TYPE}: ${Pascal}Payload,$1`),
  );
  edit(tree, `${lib}/lib/routing.ts`, `  ${TYPE}: '`, (text) =>
    text.replace(/(export const BACKEND_RESOURCES: Readonly<Record<OrderType, string>> = \{[\s\S]*?)(\n\};)/, `$1\n  ${TYPE}: '${lower}-orders',$2`),
  );
  edit(tree, `${lib}/lib/fixtures.ts`, `  ${TYPE}: {`, (text) =>
    text.replace(/(\n\};\s*)$/, `\n  ${TYPE}: {\n    customerId: 'C00077777',\n    msisdn: '010-7777-8888',\n  },$1`),
  );
  edit(tree, `${lib}/index.ts`, `./lib/payloads/${lower}.payload'`, (text) => `${text}export * from './lib/payloads/${lower}.payload';\n`);
  edit(tree, 'apps/backend-simulator/src/app/business-rules.ts', `  ${TYPE}: '`, (text) =>
    text.replace(/(const REJECTION_REASONS: Record<OrderType, string> = \{[\s\S]*?)(\n\};)/, `$1\n  ${TYPE}: 'refused by business rules',$2`),
  );
}

/** Ports the other apps listen on locally; a processor's port must not collide with them. */
const OTHER_APPS_PORTS = new Set([8000, 8085, 8090]);

function nextProcessorPort(tree) {
  const ports = tree
    .children('apps')
    .filter((app) => app.endsWith('-processor') && tree.exists(`apps/${app}/src/main.ts`))
    .map((app) => Number(/defaultPort: (\d+)/.exec(tree.read(`apps/${app}/src/main.ts`, 'utf-8'))?.[1] ?? 0));
  let port = Math.max(8080, ...ports) + 1;
  while (OTHER_APPS_PORTS.has(port)) port += 1;
  return port;
}

function addApp(tree, { TYPE, lower, Pascal, app }) {
  const root = `apps/${app}`;
  if (tree.exists(`${root}/project.json`)) return;
  const port = nextProcessorPort(tree);
  const template = JSON.parse(tree.read('apps/mnp-processor/project.json', 'utf-8'));
  tree.write(joinPathFragments(root, 'project.json'), JSON.stringify(template, null, 2).replaceAll('mnp-processor', app));
  for (const file of ['tsconfig.json', 'tsconfig.app.json']) tree.write(`${root}/${file}`, tree.read(`apps/mnp-processor/${file}`, 'utf-8'));
  tree.write(`${root}/jest.config.js`, `module.exports = { ...require('../../jest.preset.js'), displayName: '${app}', rootDir: __dirname };\n`);
  tree.write(`${root}/Dockerfile`, tree.read('apps/mnp-processor/Dockerfile', 'utf-8').replaceAll('mnp-processor', app).replace(/EXPOSE \d+/, `EXPOSE ${port}`));
  tree.write(
    `${root}/src/main.ts`,
    `import { bootstrapProcessor } from '@bss/processor-kit';
import { ${Pascal}OrderHandler } from './app/${lower}-order.handler';

void bootstrapProcessor({
  service: '${app}',
  orderType: '${TYPE}',
  handler: ${Pascal}OrderHandler,
  defaultPort: ${port},
});
`,
  );
  create(
    tree,
    `${root}/src/app/${lower}-order.handler.ts`,
    `import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ${Pascal}Payload, OrderEnvelope } from '@bss/contracts';
import { BackendClient, HandlesOrders, OrderContext, OrderOutcome } from '@bss/processor-kit';

/** ${TYPE} orders. This handler is the one file of this app a team edits. */
@Controller()
export class ${Pascal}OrderHandler {
  constructor(private readonly backend: BackendClient) {}

  @HandlesOrders('${TYPE}')
  handle(@Payload() order: OrderEnvelope<${Pascal}Payload>, @Ctx() context: OrderContext): Promise<OrderOutcome> {
    return this.backend.submit(order, context);
  }
}
`,
  );
  create(
    tree,
    `${root}/src/app/${lower}-order.handler.spec.ts`,
    `import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, OrderEnvelope } from '@bss/contracts';
import { BackendClient, OrderContext } from '@bss/processor-kit';
import { ${Pascal}OrderHandler } from './${lower}-order.handler';

describe('${Pascal}OrderHandler', () => {
  it('submits the order to the backend and returns its outcome', async () => {
    const submit = jest.fn().mockResolvedValue({ outcome: 'applied' });
    const handler = new ${Pascal}OrderHandler({ submit } as unknown as BackendClient);
    const order: OrderEnvelope = {
      id: 'order-1',
      type: '${TYPE}',
      version: ENVELOPE_VERSION,
      acceptedAt: new Date().toISOString(),
      correlationId: 'corr-1',
      origin: 'api',
      payload: EXAMPLE_PAYLOADS.${TYPE},
    };
    const context = new OrderContext(1, false, 'corr-1', new AbortController().signal, Date.now() + 1000, '${app}');
    await expect(handler.handle(order as never, context)).resolves.toEqual({ outcome: 'applied' });
    expect(submit).toHaveBeenCalledWith(order, context);
  });
});
`,
  );
}

function addDeployment(tree, { TYPE, lower, app }, options) {
  const keyPrefix = `${TYPE}_PROCESSOR`;
  const port = /defaultPort: (\d+)/.exec(tree.read(`apps/${app}/src/main.ts`, 'utf-8'))[1];
  create(
    tree,
    `deploy/base/${app}.yaml`,
    withOwnSetting(
      withOwnSetting(
        tree
          .read('deploy/base/mnp-processor.yaml', 'utf-8')
          .replaceAll('mnp-processor', app)
          .replaceAll('MNP_PROCESSOR', keyPrefix)
          .replaceAll('"8082"', `"${port}"`)
          .replace('containerPort: 8082', `containerPort: ${port}`)
          .replace('\n      port: 8082\n', `\n      port: ${port}\n`),
        'BACKEND_RATE_LIMIT',
        options.rate ?? DEFAULT_RATE,
      ),
      'CONCURRENCY',
      options.concurrency ?? DEFAULT_CONCURRENCY,
    ),
  );
  edit(tree, 'deploy/base/config.yaml', `${app}-headless`, (text) =>
    text.replace(/( PROCESSOR_METRICS_URLS: .*)/, (urls) => `${urls},http://${app}-headless:${port}/metrics`),
  );
  edit(tree, 'deploy/base/kustomization.yaml', `  - ${app}.yaml`, (text) => text.replace('  - network-policies.yaml', `  - ${app}.yaml\n  - network-policies.yaml`));
  edit(tree, 'deploy/base/secrets.env.example', `${keyPrefix}_RABBITMQ_URL`, (text) =>
    text.replace(/(TOPOLOGY_ADMIN_RABBITMQ_URL=)/, `${keyPrefix}_RABBITMQ_URL=amqp://${app}:CHANGE_ME@rabbitmq:5672\n$1`),
  );
  for (const component of ['keda', 'hpa-cpu']) {
    create(
      tree,
      `deploy/components/${component}/${app}.yaml`,
      tree
        .read(`deploy/components/${component}/mnp-processor.yaml`, 'utf-8')
        .replaceAll('mnp-processor', app)
        .replaceAll('bss.orders.mnp', `bss.orders.${lower}`)
        .replace(/maxReplica(Count|s): \d+/, (match, suffix) => `maxReplica${suffix}: ${options.maxReplicas ?? 3}`),
    );
    edit(tree, `deploy/components/${component}/kustomization.yaml`, `  - ${app}.yaml`, (text) => `${text.trimEnd()}\n  - ${app}.yaml\n`);
  }
  const grant = `grant "$${keyPrefix}_RABBITMQ_URL" "" '^$' '^bss\\\\.orders\\\\.(retry\\\\.[0-9]+|dlx)$' '^bss\\\\.orders\\\\.${lower}$'`;
  edit(tree, 'deploy/overlays/minikube/rabbitmq/setup-users.sh', `$${keyPrefix}_RABBITMQ_URL`, (text) =>
    // A function, not a string: the grant line holds "$'", which String.replace would expand.
    text.replace(/# KEDA only reads queue statistics\./, (comment) => `${grant}\n${comment}`),
  );
  edit(tree, 'deploy/overlays/production/topology.yaml', `name: bss.orders.${lower}\n`, (text) => `${text.trimEnd()}\n${productionTopology(lower, app)}`);
}

const DEFAULT_RATE = 100;
const DEFAULT_CONCURRENCY = 10;

/** The type's own value for a setting every processor otherwise takes from bss-config. */
function withOwnSetting(yaml, key, value) {
  const shared = new RegExp(`( +- name: ${key}\\n)( +)valueFrom:\\n +configMapKeyRef: \\{ name: bss-config, key: ${key} \\}\\n`);
  const changed = yaml.replace(shared, (_match, name, indent) => `${name}${indent}value: "${value}"\n`);
  if (changed === yaml) throw new Error(`the processor manifest template has no ${key} entry`);
  return changed;
}

function productionTopology(lower, app) {
  const cluster = '  rabbitmqClusterReference:\n    name: bss-rabbitmq\n';
  return `---
apiVersion: rabbitmq.com/v1beta1
kind: Queue
metadata:
  name: bss-orders-${lower}
spec:
  name: bss.orders.${lower}
  vhost: /
  type: quorum
  durable: true
  autoDelete: false
  arguments:
    x-max-length: 100000
    x-overflow: reject-publish
    x-dead-letter-exchange: bss.orders.dlx
    x-dead-letter-strategy: at-least-once
    x-delivery-limit: 20
${cluster}---
apiVersion: rabbitmq.com/v1beta1
kind: Binding
metadata:
  name: bss-orders-${lower}-from-bss-orders
spec:
  vhost: /
  source: bss.orders
  destination: bss.orders.${lower}
  destinationType: queue
  routingKey: order.${lower}
${cluster}---
apiVersion: rabbitmq.com/v1beta1
kind: User
metadata:
  name: ${app}
spec:
  tags: []
  importCredentialsSecret:
    name: ${app}-credentials
${cluster}---
apiVersion: rabbitmq.com/v1beta1
kind: Permission
metadata:
  name: ${app}-permissions
spec:
  vhost: /
  userReference:
    name: ${app}
  permissions:
    configure: ^$
    write: ^bss\\.orders\\.(retry\\.[0-9]+|dlx)$
    read: ^bss\\.orders\\.${lower}$
${cluster}`;
}

function addReadmeRow(tree, { TYPE, app }) {
  edit(tree, 'README.md', `| \`${TYPE}\` |`, (text) =>
    text.replace(/(\| `TERMINATION` \|[^\n]*\n)/, `$1| \`${TYPE}\` | ${TYPE.toLowerCase()} orders | \`customerId\`, \`msisdn\`, optional \`note\` (generated skeleton: see \`libs/contracts/src/lib/payloads\`) |\n`),
  );
  edit(tree, 'README.md', `\`${app}\``, (text) =>
    text.replace(/(Processors running today: )([^\n]*?)(\.)/, (_match, start, list, end) => `${start}${list}, \`${app}\`${end}`),
  );
}

module.exports = processorGenerator;
module.exports.default = processorGenerator;

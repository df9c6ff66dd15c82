const { readFileSync, readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');
const { createTreeWithEmptyWorkspace } = require('@nx/devkit/testing');
const processorGenerator = require('./generator');

const WORKSPACE_ROOT = join(__dirname, '../../../..');
const SEEDED = ['libs/contracts/src', 'apps/mnp-processor', 'apps/subscription-processor', 'apps/change-processor', 'apps/termination-processor', 'apps/backend-simulator/src/app', 'deploy', 'README.md'];

function filesUnder(path) {
  const absolute = join(WORKSPACE_ROOT, path);
  if (statSync(absolute).isFile()) return [path];
  return readdirSync(absolute).flatMap((entry) => filesUnder(join(path, entry)));
}

/** A virtual workspace holding the real files the generator reads and edits. */
function workspaceTree() {
  const tree = createTreeWithEmptyWorkspace();
  for (const file of SEEDED.flatMap(filesUnder)) tree.write(relative('.', file), readFileSync(join(WORKSPACE_ROOT, file)));
  return tree;
}

function snapshot(tree) {
  return Object.fromEntries(tree.listChanges().map((change) => [change.path, change.content?.toString()]));
}

describe('processor generator', () => {
  it('adds a new order type end to end: contract, app, deployment, README', async () => {
    const tree = workspaceTree();
    await processorGenerator(tree, { type: 'simswap', rate: 60, concurrency: 5, maxReplicas: 4 });

    expect(tree.read('libs/contracts/src/lib/order-type.ts', 'utf-8')).toContain(`'SIMSWAP'] as const`);
    expect(tree.read('libs/contracts/src/lib/payloads/payload-registry.ts', 'utf-8')).toContain('SIMSWAP: SimswapPayload');
    expect(tree.read('libs/contracts/src/lib/routing.ts', 'utf-8')).toContain(`SIMSWAP: 'simswap-orders'`);
    expect(tree.read('libs/contracts/src/lib/fixtures.ts', 'utf-8')).toContain('SIMSWAP: {');
    expect(tree.exists('libs/contracts/src/lib/payloads/simswap.payload.spec.ts')).toBe(true);
    expect(tree.read('libs/contracts/src/index.ts', 'utf-8')).toContain(`./lib/payloads/simswap.payload'`);
    expect(tree.read('apps/backend-simulator/src/app/business-rules.ts', 'utf-8')).toContain('SIMSWAP:');

    expect(tree.read('apps/simswap-processor/src/main.ts', 'utf-8')).toContain(`orderType: 'SIMSWAP'`);
    expect(tree.read('apps/simswap-processor/src/app/simswap-order.handler.ts', 'utf-8')).toContain(`@HandlesOrders('SIMSWAP')`);
    expect(JSON.parse(tree.read('apps/simswap-processor/project.json', 'utf-8'))).toMatchObject({ name: 'simswap-processor', tags: ['type:app', 'scope:processor', 'platform:node'] });
    expect(tree.read('apps/simswap-processor/Dockerfile', 'utf-8')).toContain('dist/apps/simswap-processor/package.json');

    const deployment = tree.read('deploy/base/simswap-processor.yaml', 'utf-8');
    expect(deployment).toContain('key: SIMSWAP_PROCESSOR_RABBITMQ_URL');
    expect(deployment).toMatch(/- name: BACKEND_RATE_LIMIT\n +value: "60"/);
    expect(deployment).toMatch(/- name: CONCURRENCY\n +value: "5"/);
    const port = /containerPort: (\d+)/.exec(deployment)[1];
    expect(port).toBe('8086'); // after the four processors (8081-8084), skipping the ops console's 8085
    expect(deployment).toMatch(new RegExp(`name: simswap-processor-headless[\\s\\S]*port: ${port}\\n`));
    expect(tree.read('deploy/base/config.yaml', 'utf-8')).toMatch(new RegExp(`PROCESSOR_METRICS_URLS: .*,http://simswap-processor-headless:${port}/metrics\\n`));
    expect(tree.read('deploy/base/kustomization.yaml', 'utf-8')).toContain('- simswap-processor.yaml');
    expect(tree.read('deploy/base/secrets.env.example', 'utf-8')).toContain('SIMSWAP_PROCESSOR_RABBITMQ_URL=');
    expect(tree.read('deploy/components/keda/simswap-processor.yaml', 'utf-8')).toMatch(/queueName: bss\.orders\.simswap[\s\S]*|maxReplicaCount: 4/);
    expect(tree.read('deploy/components/hpa-cpu/kustomization.yaml', 'utf-8')).toContain('- simswap-processor.yaml');
    expect(tree.read('deploy/overlays/minikube/rabbitmq/setup-users.sh', 'utf-8')).toContain(`'^bss\\\\.orders\\\\.simswap$'`);
    expect(tree.read('deploy/overlays/production/topology.yaml', 'utf-8')).toContain('name: bss.orders.simswap');
    expect(tree.read('README.md', 'utf-8')).toContain('| `SIMSWAP` |');
  });

  it('keeps the contract of a type that already has one', async () => {
    const tree = workspaceTree();
    await processorGenerator(tree, { type: 'mnp' });
    expect(tree.exists('libs/contracts/src/lib/payloads/mnp.payload.ts')).toBe(true);
    expect(tree.read('libs/contracts/src/lib/payloads/mnp.payload.ts', 'utf-8')).toBe(readFileSync(join(WORKSPACE_ROOT, 'libs/contracts/src/lib/payloads/mnp.payload.ts'), 'utf-8'));
  });

  it('changes nothing when run a second time', async () => {
    const tree = workspaceTree();
    await processorGenerator(tree, { type: 'simswap' });
    const first = snapshot(tree);
    await processorGenerator(tree, { type: 'simswap' });
    expect(snapshot(tree)).toEqual(first);
  });

  it('refuses a type that is not letters only', async () => {
    await expect(processorGenerator(workspaceTree(), { type: 'sim-swap' })).rejects.toThrow('order type must be letters only');
  });
});

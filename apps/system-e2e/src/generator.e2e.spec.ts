import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { BrokerProbe, eventually, uniqueTopology } from '@bss/messaging/testing';
import { copyWorkspace, launchSystem, runInWorkspace } from '@bss/system-launcher';
import { freePorts, getJson, postJson, RunningSystem } from './support/system';

const WORKSPACE_ROOT = join(__dirname, '../../..');

/** deploy/ and the README as text, file by file: what a render may change. */
function renderInputsOf(copy: string): Record<string, string> {
  const files = readdirSync(join(copy, 'deploy'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  const texts = files.map((entry) => [join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), 'utf8')]);
  return Object.fromEntries([...texts, ['README.md', readFileSync(join(copy, 'README.md'), 'utf8')]]);
}

describe('a new order type is one generator run', () => {
  const copy = copyWorkspace(WORKSPACE_ROOT, 'workspace');
  const names = uniqueTopology('simswap');
  let system: RunningSystem | undefined;

  beforeAll(() => {
    runInWorkspace(copy, 'npx', ['nx', 'g', '@bss/tools:processor', 'simswap', '--maxReplicas', '2']);
  });

  afterAll(async () => {
    await system?.stop();
    const probe = await BrokerProbe.connect();
    await probe.deleteTopology(names);
    await probe.close();
    rmSync(copy, { recursive: true, force: true });
  });

  it('builds and tests the generated app and contract', () => {
    runInWorkspace(copy, 'npx', ['nx', 'run-many', '-t', 'build', '-p', 'producer-api', 'backend-simulator', 'simswap-processor', '--output-style=static']);
    runInWorkspace(copy, 'npx', ['nx', 'run-many', '-t', 'lint', 'typecheck', 'test', '-p', 'simswap-processor', 'contracts', '--output-style=static']);
  });

  it('renders the overlays with the new processor, its autoscaler, its queue and its RabbitMQ user, as deploy:render would', () => {
    cpSync(join(copy, 'deploy/base/secrets.env.example'), join(copy, 'deploy/base/secrets.env'));
    for (const overlay of ['minikube', 'production']) {
      const objects = parseAllDocuments(runInWorkspace(copy, 'kubectl', ['kustomize', `deploy/overlays/${overlay}`])).map((document) => document.toJS());
      const named = (kind: string) => objects.filter((object) => object.kind === kind).map((object) => object.metadata.name);
      expect(named('Deployment')).toContain('simswap-processor');
      expect(named('ScaledObject')).toContain('simswap-processor');
    }
    expect(readFileSync(join(copy, 'deploy/overlays/minikube/rabbitmq/grants.sh'), 'utf8')).toContain('SIMSWAP_PROCESSOR_RABBITMQ_URL');
    const topology = parseAllDocuments(readFileSync(join(copy, 'deploy/overlays/production/topology.yaml'), 'utf8')).map((document) => document.toJS());
    expect(topology.find((object) => object.kind === 'Queue' && object.spec.name === 'bss.orders.simswap')).toBeDefined();
    const generated = renderInputsOf(copy);
    runInWorkspace(copy, 'npx', ['nx', 'run', 'deploy:render']);
    expect(renderInputsOf(copy)).toEqual(generated);
  });

  it('sends a SIMSWAP order through the running system to the backend ledger', async () => {
    const [producer, backend] = await freePorts(2);
    system = await launchSystem({
      distAppsDir: join(copy, 'dist/apps'),
      env: { QUEUE_NAME: names.prefix, LOG_LEVEL: 'warn' },
      ports: { producer, backend },
    });
    const order = { customerId: 'C00012345', msisdn: '010-5555-6666' };
    const accepted = await postJson(`${system.url('producer-api')}/api/v1/orders`, { type: 'simswap', payload: order });
    expect(accepted.status).toBe(202);
    const orderId = accepted.body['orderId'] as string;
    const ledger = await eventually(
      () => getJson<{ entries: { orderId: string; type: string; appliedBy: string }[] }>(`${system?.url('backend-simulator')}/api/v1/ledger`),
      (current) => current.entries.some((entry) => entry.orderId === orderId),
    );
    expect(ledger.entries).toEqual([expect.objectContaining({ orderId, type: 'SIMSWAP', appliedBy: 'simswap-processor' })]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { changesOf, workspaceTree, WORKSPACE_ROOT } from '../testing/workspace-tree';
import { RENDERED_BLOCKS, RENDERED_FILES } from '../deploy-render/render-deploy';
import processorGenerator from './generator';

const SEEDED = ['libs/contracts/src', 'apps/mnp-processor', 'deploy', 'README.md'];

const APP_FILES = [
  'project.json',
  'tsconfig.json',
  'tsconfig.app.json',
  'jest.config.js',
  'Dockerfile',
  'src/main.ts',
  'src/app/simswap-order.handler.ts',
  'src/app/simswap-order.handler.spec.ts',
].map((file) => `apps/simswap-processor/${file}`);

const CONTRACT_FILES = ['simswap.order-type.ts', 'simswap.order-type.spec.ts', 'index.ts'].map((file) => `libs/contracts/src/lib/order-types/${file}`);

/** The queues' delivery-limit policies name no type (their pattern covers every type's delay queues alike). */
const TYPE_FREE_FILES: readonly string[] = [RENDERED_FILES.minikubePolicies];
const DEPLOY_FILES = [...Object.values(RENDERED_FILES).filter((file) => !TYPE_FREE_FILES.includes(file)), ...Object.values(RENDERED_BLOCKS), 'deploy/base/config.yaml'];

function syntaxErrorsOf(path: string, text: string): string[] {
  const output = ts.transpileModule(text, { fileName: path, reportDiagnostics: true, compilerOptions: { experimentalDecorators: true } });
  return (output.diagnostics ?? []).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('processor generator', () => {
  it('writes exactly one definition, one thin app and the rendered deployment', async () => {
    const tree = workspaceTree(SEEDED);
    const before = changesOf(tree);
    await processorGenerator(tree, { type: 'simswap', rate: 60, concurrency: 5, maxReplicas: 4 });
    const after = changesOf(tree);
    const written = Object.keys(after).filter((path) => after[path] !== before[path]);
    expect(written.sort()).toEqual([...APP_FILES, ...CONTRACT_FILES, ...DEPLOY_FILES].sort());
    for (const path of written.filter((file) => file.endsWith('.ts'))) expect({ path, errors: syntaxErrorsOf(path, after[path] ?? '') }).toEqual({ path, errors: [] });
  });

  it('registers the definition in the one list of order types', async () => {
    const tree = workspaceTree(SEEDED);
    await processorGenerator(tree, { type: 'simswap' });
    const registry = tree.read('libs/contracts/src/lib/order-types/index.ts', 'utf-8');
    expect(registry).toContain("import { SIMSWAP_ORDER_TYPE } from './simswap.order-type';");
    expect(registry).toContain("export * from './simswap.order-type';");
    expect(registry).toMatch(/ORDER_TYPE_DEFINITIONS = \[[^\]]*TERMINATION_ORDER_TYPE,\s*SIMSWAP_ORDER_TYPE,?\s*\] as const/);
  });

  it('states the options in the definition, which the deployment follows', async () => {
    const tree = workspaceTree(SEEDED);
    await processorGenerator(tree, { type: 'SimSwap', rate: 60, concurrency: 5, maxReplicas: 4 });
    const definition = tree.read('libs/contracts/src/lib/order-types/simswap.order-type.ts', 'utf-8');
    expect(definition).toContain("type: 'SIMSWAP'");
    expect(definition).toContain('export class SimswapPayload');
    expect(definition).toMatch(/port: 8086,\s+concurrency: 5,\s+backendRateLimit: 60,/); // after 8081-8084, skipping the console's 8085
    expect(definition).toContain('maxReplicas: 4');
    expect(tree.read(RENDERED_FILES.processors, 'utf-8')).toMatch(/- name: BACKEND_RATE_LIMIT\n\s+value: "60"/);
    expect(tree.read(RENDERED_FILES.scaledObjects, 'utf-8')).toMatch(/name: simswap-processor\n[\s\S]*?maxReplicaCount: 4\n/);
  });

  it('gives the app a handler typed by its order type and a main that only composes', async () => {
    const tree = workspaceTree(SEEDED);
    await processorGenerator(tree, { type: 'simswap' });
    const main = tree.read('apps/simswap-processor/src/main.ts', 'utf-8');
    expect(main).toContain('void bootstrapProcessor({ orderType: SIMSWAP_ORDER_TYPE, handler: SimswapOrderHandler });');
    const handler = tree.read('apps/simswap-processor/src/app/simswap-order.handler.ts', 'utf-8');
    expect(handler).toContain("@HandlesOrders('SIMSWAP')");
    expect(handler).toContain("order: OrderOf<'SIMSWAP'>");
    const project = JSON.parse(tree.read('apps/simswap-processor/project.json', 'utf-8') ?? '{}');
    expect(project).toMatchObject({ name: 'simswap-processor', tags: ['type:app', 'scope:processor', 'platform:node'] });
    expect(project.targets.build.options.main).toBe('apps/simswap-processor/src/main.ts');
    const dockerfile = tree.read('apps/simswap-processor/Dockerfile', 'utf-8');
    expect(dockerfile).toContain('COPY --chown=root:root dist/apps/simswap-processor/ ./');
    expect(dockerfile).toContain('EXPOSE 8086');
  });

  it('keeps what a team wrote: a type with a definition keeps it, an existing handler is not overwritten', async () => {
    const tree = workspaceTree(SEEDED);
    const handlerPath = 'apps/mnp-processor/src/app/mnp-order.handler.ts';
    await processorGenerator(tree, { type: 'mnp' });
    expect(tree.read(handlerPath, 'utf-8')).toBe(readFileSync(join(WORKSPACE_ROOT, handlerPath), 'utf8'));
    expect(tree.exists('libs/contracts/src/lib/order-types/mnp.order-type.spec.ts')).toBe(false);
    expect(tree.read('libs/contracts/src/lib/order-types/index.ts', 'utf-8')).toBe(readFileSync(join(WORKSPACE_ROOT, 'libs/contracts/src/lib/order-types/index.ts'), 'utf8'));
  });

  it('changes nothing when run a second time', async () => {
    const tree = workspaceTree(SEEDED);
    await processorGenerator(tree, { type: 'simswap' });
    const first = changesOf(tree);
    await processorGenerator(tree, { type: 'simswap' });
    expect(changesOf(tree)).toEqual(first);
  });

  it('refuses a type that is not letters only', async () => {
    await expect(processorGenerator(workspaceTree(SEEDED), { type: 'sim-swap' })).rejects.toThrow('order type must be letters only');
  });
});

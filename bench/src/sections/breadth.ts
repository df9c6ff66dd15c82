import { ORDER_TYPES } from '@bss/contracts';
import { copyWorkspace, freePorts, launchSystem, runInWorkspace } from '@bss/system-launcher';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_QUEUE_SETTINGS, BROKER_URL } from '../broker/raw-amqp';
import { statusFieldMb } from '../processes/app-process';
import { valueRow } from '../report/result-row';
import { BenchContext, SectionResult } from './context';
import { deleteRunTopology } from './topology-cleanup';

/** Order types a telecom BSS could add next; the breadth run generates the first few. */
const EXTRA_TYPES = ['simswap', 'roaming', 'suspension', 'resumption', 'tariffchange', 'refund', 'numberchange', 'esim', 'addon'];

/** How long the system idles after start-up before its memory is read, as in the idle memory rows. */
const IDLE_MS = 3000;

interface SystemMemory {
  readonly types: number;
  readonly totalMb: number;
  readonly perAppMb: Record<string, number>;
}

/** A copy of this workspace with `types` more order types, each one generator run, and the pipeline's apps built. */
function generateWorkspace(context: BenchContext, types: readonly string[]): string {
  const copy = copyWorkspace(context.workspaceDir, 'bss-bench-breadth');
  for (const type of types) {
    context.progress(`breadth: generating the ${type} processor`);
    runInWorkspace(copy, 'npx', ['nx', 'g', '@bss/tools:processor', type]);
  }
  context.progress(`breadth: building producer-api, the backend simulator and ${ORDER_TYPES.length + types.length} processors`);
  runInWorkspace(copy, 'npx', ['nx', 'run-many', '-t', 'build', '-p', 'producer-api', 'backend-simulator', '*-processor', '--output-style=static']);
  return copy;
}

/** Starts the pipeline (producer-api, backend simulator, every processor built in `distAppsDir`), lets it idle, and reads each process's RSS. */
async function idleSystemMemory(context: BenchContext, distAppsDir: string, label: string, extraTypes: readonly string[]): Promise<SystemMemory> {
  const prefix = `${context.runPrefix}.${label}`;
  const [producer, backend] = await freePorts(2);
  const system = await launchSystem({
    distAppsDir,
    env: {
      RABBITMQ_URL: BROKER_URL,
      QUEUE_NAME: prefix,
      QUEUE_MAX_LENGTH: String(BENCH_QUEUE_SETTINGS.QUEUE_MAX_LENGTH),
      QUEUE_DELIVERY_LIMIT: String(BENCH_QUEUE_SETTINGS.QUEUE_DELIVERY_LIMIT),
      LOG_LEVEL: 'warn',
    },
    ports: { producer, backend },
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const perAppMb = Object.fromEntries(system.apps.map((app) => [app.name, statusFieldMb(app.pid, 'VmRSS') ?? 0]));
    const processors = system.apps.filter((app) => app.role === 'processor').length;
    return { types: processors, perAppMb, totalMb: Object.values(perAppMb).reduce((sum, mb) => sum + mb, 0) };
  } finally {
    await system.stop();
    await deleteRunTopology(context, prefix);
    await deleteExtraQueues(context, prefix, extraTypes);
  }
}

/** The shared cleanup knows the four types; the generated ones' queues go here. */
async function deleteExtraQueues(context: BenchContext, prefix: string, types: readonly string[]): Promise<void> {
  const channel = await context.connection.createChannel();
  try {
    for (const type of types) await channel.deleteQueue(`${prefix}.${type}`);
  } finally {
    await channel.close();
  }
}

/**
 * The cost of breadth: the whole pipeline's memory, idle, with the four types and with
 * `scale.extraTypes` more generated into a scratch copy, so a reader sees what one more type costs.
 */
export async function runBreadth(context: BenchContext): Promise<SectionResult> {
  const extraTypes = EXTRA_TYPES.slice(0, context.scale.extraTypes);
  context.progress(`breadth: the system with ${ORDER_TYPES.length} types`);
  const four = await idleSystemMemory(context, context.distAppsDir, 'breadth-4', []);
  const copy = generateWorkspace(context, extraTypes);
  try {
    context.progress(`breadth: the system with ${ORDER_TYPES.length + extraTypes.length} types`);
    const more = await idleSystemMemory(context, join(copy, 'dist/apps'), `breadth-${ORDER_TYPES.length + extraTypes.length}`, extraTypes);
    const perTypeMb = (more.totalMb - four.totalMb) / Math.max(1, more.types - four.types);
    return {
      figures: { four, more, extraTypes, perTypeMb },
      rows: [
        valueRow({ section: 'breadth', figure: `whole pipeline idle, ${four.types} types (${Object.keys(four.perAppMb).length} processes)`, value: four.totalMb, unit: 'MB' }),
        valueRow({ section: 'breadth', figure: `whole pipeline idle, ${more.types} types (${Object.keys(more.perAppMb).length} processes)`, value: more.totalMb, unit: 'MB' }),
        valueRow({ section: 'breadth', figure: 'one more order type', value: perTypeMb, unit: 'MB' }),
      ],
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

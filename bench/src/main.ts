import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_URL, brokerVersion, connectBroker } from './broker/raw-amqp';
import { brokerProcess } from './processes/cpu-time';
import { BenchOptions, parseOptions, sectionsToRun, USAGE } from './cli-options';
import { SelfTime, summarizeProfileFile } from './report/cpu-profile-summary';
import { CurvePoint, renderLatencyCurve } from './report/latency-curve-svg';
import { machineFacts } from './report/machine-facts';
import { ResultRow, valueRow } from './report/result-row';
import { renderTable } from './report/table';
import { Ceilings, measureBrokerCeilings, runCeilings } from './sections/ceilings';
import { BenchContext, FULL_SCALE, QUICK_SCALE } from './sections/context';
import { runDrain } from './sections/drain';
import { IdleMemory, runEndToEnd } from './sections/end-to-end';
import { ProducerMemory, runIntake } from './sections/intake';
import { runBreadth } from './sections/breadth';
import { runOverhead } from './sections/overhead';
import { runScale } from './sections/scale';
import { runTracking } from './sections/tracking';

const WORKSPACE = process.cwd();
const RESULTS_DIR = join(WORKSPACE, 'bench/results');

function progress(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** The ceilings the chosen sections are compared with, and only those. */
async function ceilingsFor(context: BenchContext, sections: ReadonlySet<string>, figures: Record<string, unknown>, rows: ResultRow[]): Promise<Ceilings> {
  if (sections.has('ceilings') || sections.has('intake')) {
    const result = await runCeilings(context);
    figures['ceilings'] = result.figures;
    rows.push(...result.rows);
    return result.ceilings;
  }
  if (sections.has('drain')) {
    const broker = await measureBrokerCeilings(context);
    figures['ceilings'] = broker;
    return broker;
  }
  return {};
}

interface LatencyCurve {
  readonly sustainablePerSec: number;
  readonly points: CurvePoint[];
}

async function runBench(options: BenchOptions): Promise<{ rows: ResultRow[]; report: Record<string, unknown>; curve?: LatencyCurve }> {
  const sections = sectionsToRun(options.sections);
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${Math.random().toString(36).slice(2, 6)}`;
  const cpuProfileDir = options.cpuProfile ? join(RESULTS_DIR, 'profiles', runId) : undefined;
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  const connection = await connectBroker();
  const context: BenchContext = {
    scale: options.quick ? QUICK_SCALE : FULL_SCALE,
    connection,
    runPrefix: `bench.${runId}`,
    workspaceDir: WORKSPACE,
    distAppsDir: join(WORKSPACE, 'dist/apps'),
    distBenchDir: join(WORKSPACE, 'dist/bench'),
    logDir: mkdtempSync(join(tmpdir(), 'bss-bench-')),
    cpuProfileDir,
    broker: brokerProcess(BROKER_URL),
    progress,
  };
  progress(`run ${runId}: sections ${[...sections].join(', ')}${options.quick ? ' (quick)' : ''}; app logs in ${context.logDir}`);
  const machine = machineFacts(brokerVersion(connection));
  const rows: ResultRow[] = [];
  const figures: Record<string, unknown> = {};
  let curve: LatencyCurve | undefined;
  try {
    const ceilings = await ceilingsFor(context, sections, figures, rows);
    let producerMemory: ProducerMemory = {};
    let processorPeakRssMb: number | undefined;
    let idleMemory: IdleMemory = {};
    if (sections.has('intake')) {
      const intake = await runIntake(context, ceilings);
      figures['intake'] = intake.figures;
      rows.push(...intake.rows);
      producerMemory = intake.producerMemory;
    }
    if (sections.has('drain')) {
      const drain = await runDrain(context, ceilings);
      figures['drain'] = drain.figures;
      rows.push(...drain.rows);
      processorPeakRssMb = drain.processorPeakRssMb;
    }
    if (sections.has('e2e')) {
      const endToEnd = await runEndToEnd(context);
      figures['endToEnd'] = endToEnd.figures;
      rows.push(...endToEnd.rows);
      curve = endToEnd.curve;
      idleMemory = endToEnd.idleMemory;
    }
    if (sections.has('memory')) {
      figures['memory'] = { producerPeakRssMb: producerMemory, processorPeakRssMb, idleRssMb: idleMemory };
      rows.push(
        valueRow({ section: 'memory', figure: 'producer-api peak RSS after start-up', value: producerMemory.afterStartMb, unit: 'MB' }),
        valueRow({ section: 'memory', figure: 'producer-api RSS, idle 3 s after start-up', value: idleMemory.producerRssMb, unit: 'MB' }),
        valueRow({ section: 'memory', figure: 'termination-processor RSS, idle 3 s after start-up', value: idleMemory.processorRssMb, unit: 'MB', target: { atMost: 80 } }),
        valueRow({ section: 'memory', figure: 'producer-api peak RSS, single orders', value: producerMemory.afterSingleOrdersMb, unit: 'MB', target: { atMost: 150 } }),
        valueRow({ section: 'memory', figure: 'producer-api peak RSS, + batches', value: producerMemory.afterBatchesMb, unit: 'MB', target: { atMost: 150 } }),
        valueRow({ section: 'memory', figure: 'termination-processor peak RSS (drain)', value: processorPeakRssMb, unit: 'MB', target: { atMost: 150 } }),
      );
    }
    if (sections.has('overhead')) {
      const overhead = await runOverhead(context);
      figures['overhead'] = overhead.figures;
      rows.push(...overhead.rows);
    }
    if (sections.has('tracking')) {
      const tracking = await runTracking(context);
      figures['tracking'] = tracking.figures;
      rows.push(...tracking.rows);
    }
    if (sections.has('scale')) {
      const scale = await runScale(context);
      figures['scale'] = scale.figures;
      rows.push(...scale.rows);
    }
    if (sections.has('breadth')) {
      const breadth = await runBreadth(context);
      figures['breadth'] = breadth.figures;
      rows.push(...breadth.rows);
    }
  } finally {
    await connection.close();
  }
  const profiles = cpuProfileDir && existsSync(cpuProfileDir) ? readdirSync(cpuProfileDir).filter((file) => file.endsWith('.cpuprofile')) : [];
  const profileSummaries = Object.fromEntries(profiles.map((file) => [file, summarizeProfileFile(join(cpuProfileDir as string, file))]));
  return {
    rows,
    curve,
    report: { generatedAt: new Date().toISOString(), runId, quick: options.quick, cpuProfile: options.cpuProfile, sections: [...sections], machine, figures, rows, profiles: profileSummaries },
  };
}

function printProfiles(profiles: Record<string, SelfTime[]>): void {
  for (const [file, top] of Object.entries(profiles)) {
    process.stdout.write(`\nTop self time in ${file}:\n`);
    for (const entry of top) {
      process.stdout.write(`  ${entry.selfPercent.toFixed(1).padStart(5)} %  ${entry.function}  ${entry.location}\n           from ${entry.calledFrom}\n`);
    }
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { rows, report, curve } = await runBench(options);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const resultBase = join(RESULTS_DIR, String(report['generatedAt']).replace(/:/g, '-'));
  const resultFile = `${resultBase}.json`;
  writeFileSync(resultFile, `${JSON.stringify(report, null, 2)}\n`);
  const machine = report['machine'] as ReturnType<typeof machineFacts>;
  if (curve) {
    const title = `End-to-end latency, commit ${machine.gitCommit}${options.quick ? ' (quick run)' : ''}`;
    writeFileSync(`${resultBase}-curve.svg`, renderLatencyCurve(curve.points, curve.sustainablePerSec, title));
  }
  process.stdout.write(
    `\n${renderTable(rows)}\n\n${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, load ${machine.loadAverageAtStart}, ` +
      `Node ${machine.node}, RabbitMQ ${machine.rabbitmq}, commit ${machine.gitCommit}${options.quick ? ' — quick run' : ''}${options.cpuProfile ? ' — profiled (slower)' : ''}\nResults: ${resultFile}${curve ? ` and ${resultBase}-curve.svg` : ''}\n`,
  );
  printProfiles(report['profiles'] as Record<string, SelfTime[]>);
  // A missed target is a finding to read in the table, not a failed run: the exit code says whether the run worked.
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
    process.exit(2);
  },
);

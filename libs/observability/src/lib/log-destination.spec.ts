import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** Enough lines that some are still waiting to be written when the process is about to end. */
const LINES = 5000;

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string[];
  readonly stderr: string[];
}

const workspaceRoot = join(__dirname, '../../../..');
let bundles: string;

/** Bundles a fixture app as the apps are bundled, packages left to the workspace's node_modules. */
function bundle(fixture: string): string {
  const outfile = join(bundles, `${fixture}.cjs`);
  buildSync({
    entryPoints: [join(__dirname, 'fixtures', `${fixture}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    tsconfig: join(workspaceRoot, 'tsconfig.base.json'),
    logLevel: 'error',
  });
  return outfile;
}

/** Runs a bundled fixture as its own process; `onStdout` sees its output so far, and may signal it. */
function run(file: string, onStdout: (stdout: string, pid: number) => void = () => undefined): Promise<Finished> {
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, LINES: String(LINES), NODE_PATH: join(workspaceRoot, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
    onStdout(output.stdout, child.pid as number);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  return new Promise((resolve) =>
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout: linesOf(output.stdout), stderr: linesOf(output.stderr) }),
    ),
  );
}

function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

function messages(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(() => {
  bundles = mkdtempSync(join(tmpdir(), 'log-destination-'));
});

afterAll(() => rmSync(bundles, { recursive: true, force: true }));

describe('asynchronous standard output logging', () => {
  it('writes every line logged before a failed start-up, in order, then the fatal line, and exits 1', async () => {
    const finished = await run(bundle('fatal-start-up'));

    expect(finished.code).toBe(1);
    expect(messages(finished.stdout).map((line) => line['index'])).toEqual(Array.from({ length: LINES }, (_, index) => index));
    expect(messages(finished.stderr)).toEqual([
      expect.objectContaining({ level: 'fatal', msg: 'fixture failed to start', err: expect.stringContaining('EADDRINUSE') }),
    ]);
  });

  it('writes the lines a NestJS app logs while it shuts down on SIGTERM, then ends by SIGTERM', async () => {
    let signalled = false;
    const finished = await run(bundle('nest-shutdown'), (stdout, pid) => {
      if (signalled || !stdout.includes('"msg":"ready"')) return;
      signalled = true;
      process.kill(pid, 'SIGTERM');
    });

    expect(finished.signal).toBe('SIGTERM');
    const stopping = messages(finished.stdout).filter((line) => line['msg'] === 'stopping');
    expect(stopping.map((line) => line['index'])).toEqual(Array.from({ length: LINES }, (_, index) => index));
    expect(messages(finished.stdout).at(-1)).toMatchObject({ msg: 'stopped', level: 'info', service: 'fixture' });
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the docker CLI against the local engine; a failure carries what docker printed. */
export async function docker(args: readonly string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run('docker', [...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    throw new Error(`docker ${args.join(' ')} failed: ${failure.stderr?.trim() || failure.message}`);
  }
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly env: Record<string, string>;
  /** Replaces the image's command (a Job's `command`), if given. */
  readonly command?: readonly string[];
}

/**
 * Starts a container as the manifests run a pod: the host network (no bridge), a read-only root
 * filesystem, every capability dropped, no privilege escalation, the image's own user. The
 * environment goes through a file readable only by root, so secrets do not show in `ps`.
 */
export async function startContainer(spec: ContainerSpec): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bss-container-env-'));
  const envFile = join(dir, 'env');
  try {
    writeFileSync(envFile, Object.entries(spec.env).map(([key, value]) => `${key}=${value}`).join('\n') + '\n', { mode: 0o600 });
    const entrypoint = spec.command ? ['--entrypoint', spec.command[0]] : [];
    return await docker([
      'run', '--detach', '--name', spec.name, '--network', 'host', '--read-only', '--cap-drop', 'ALL',
      '--security-opt', 'no-new-privileges', '--env-file', envFile, ...entrypoint, spec.image, ...(spec.command?.slice(1) ?? []),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the container exited and returns its exit code. */
export async function waitForExit(name: string, timeoutMs = 60_000): Promise<number> {
  return Number(await docker(['wait', name], timeoutMs));
}

export async function containerLogs(name: string): Promise<string> {
  const { stdout, stderr } = await run('docker', ['logs', name], { maxBuffer: 64 * 1024 * 1024 }).catch(() => ({ stdout: '', stderr: '' }));
  return `${stdout}${stderr}`;
}

export async function removeContainers(names: readonly string[]): Promise<void> {
  if (names.length > 0) await docker(['rm', '--force', ...names]).catch(() => undefined);
}

/** Image size in bytes, as the engine reports it. */
export async function imageSize(image: string): Promise<number> {
  return Number(await docker(['image', 'inspect', '--format', '{{.Size}}', image]));
}

/** Whether node:20-slim here is the local stand-in (tools/docker/stand-in-base.sh), which a run should say. */
export async function baseIsStandIn(): Promise<boolean> {
  return (await docker(['image', 'inspect', '--format', '{{ index .Config.Labels "bss.stand-in" }}', 'node:20-slim'])) === 'true';
}

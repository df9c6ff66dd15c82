const { execFileSync } = require('node:child_process');
const { cpSync, mkdtempSync, symlinkSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** What a scratch copy of the workspace needs to generate, build and test apps; node_modules is linked, not copied. */
const WORKSPACE_ENTRIES = ['apps', 'libs', 'tools', 'deploy', 'package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json', 'tsconfig.json', 'jest.preset.js', 'eslint.config.mjs', 'README.md'];

/** Copies the workspace at `workspaceRoot` into a new temporary directory (named after `label`) and returns it. */
function copyWorkspace(workspaceRoot, label) {
  const copy = mkdtempSync(join(tmpdir(), `${label}-`));
  for (const entry of WORKSPACE_ENTRIES) cpSync(join(workspaceRoot, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(workspaceRoot, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

/** Runs a command in a copy, with its own Nx cache and no daemon; fails with the end of its output. */
function runInWorkspace(copy, command, args) {
  try {
    return execFileSync(command, args, {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_CACHE_DIRECTORY: join(copy, '.nx/cache') },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error;
    throw new Error(`${command} ${args.join(' ')} failed in ${copy}:\n${`${stdout ?? ''}${stderr ?? ''}`.slice(-4000)}`);
  }
}

module.exports = { copyWorkspace, runInWorkspace };

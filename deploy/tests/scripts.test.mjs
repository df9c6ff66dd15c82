import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WORKSPACE_ROOT } from './render.mjs';

const scripts = [
  ...['tools/scripts', 'tools/docker'].flatMap((dir) =>
    readdirSync(join(WORKSPACE_ROOT, dir)).filter((file) => file.endsWith('.sh')).map((file) => join(WORKSPACE_ROOT, dir, file)),
  ),
  join(WORKSPACE_ROOT, '.ci/run'),
];

test('the shell scripts are shellcheck-clean', () => {
  execFileSync('shellcheck', scripts, { encoding: 'utf8' });
});

test('the scripts end only processes they started, by PID', () => {
  for (const script of scripts) assert.doesNotMatch(readFileSync(script, 'utf8'), /pkill|killall/, script);
});

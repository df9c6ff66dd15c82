import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WORKSPACE_ROOT } from './render.mjs';

// Runs after every app's build (deploy:test depends on them): a documented target such as
// `nx run producer-api:serve` must start a file the build really writes.
test('every target that runs a built file with node names one the build wrote', () => {
  const checked = [];
  for (const app of readdirSync(join(WORKSPACE_ROOT, 'apps'))) {
    const projectFile = join(WORKSPACE_ROOT, 'apps', app, 'project.json');
    if (!existsSync(projectFile)) continue;
    const { targets = {} } = JSON.parse(readFileSync(projectFile, 'utf8'));
    for (const [name, target] of Object.entries(targets)) {
      for (const [, file] of String(target.options?.command ?? '').matchAll(/\bnode (dist\/\S+)/g)) {
        checked.push(`${app}:${name}`);
        assert.ok(existsSync(join(WORKSPACE_ROOT, file)), `${app}:${name} runs ${file}, which the build does not write`);
      }
    }
  }
  assert.ok(checked.includes('producer-api:serve'), `no serve target checked (${checked.join(', ')})`);
});

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

export const WORKSPACE_ROOT = join(__dirname, '../../../..');

function filesUnder(path: string): string[] {
  const absolute = join(WORKSPACE_ROOT, path);
  if (statSync(absolute).isFile()) return [path];
  return readdirSync(absolute).flatMap((entry) => filesUnder(join(path, entry)));
}

/** A virtual workspace holding the real files under `paths`, as the generators read and edit them. */
export function workspaceTree(paths: readonly string[]): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const file of paths.flatMap(filesUnder)) tree.write(file, readFileSync(join(WORKSPACE_ROOT, file)));
  return tree;
}

/** What a generator changed, path by path. */
export function changesOf(tree: Tree): Record<string, string | undefined> {
  return Object.fromEntries(tree.listChanges().map((change) => [change.path, change.content?.toString()]));
}

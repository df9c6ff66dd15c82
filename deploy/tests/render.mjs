import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const DEPLOY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WORKSPACE_ROOT = join(DEPLOY_DIR, '..');
export const OVERLAYS = readdirSync(join(DEPLOY_DIR, 'overlays'));

/**
 * Renders an overlay exactly as `kubectl apply -k` would, from a copy of deploy/ in which the
 * untracked secrets.env is replaced by the committed example (its values are placeholders).
 */
export function renderOverlay(overlay) {
  return render(copyOfDeploy(), join('overlays', overlay));
}

/** The base with one component, as an overlay that uses it would render (e.g. the CPU HPAs). */
export function renderBaseWith(component) {
  const copy = copyOfDeploy();
  mkdirSync(join(copy, 'overlays/with-component'));
  writeFileSync(
    join(copy, 'overlays/with-component/kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\ncomponents: [../../components/${component}]\n`,
  );
  return render(copy, 'overlays/with-component');
}

function copyOfDeploy() {
  const copy = mkdtempSync(join(tmpdir(), 'deploy-'));
  cpSync(DEPLOY_DIR, copy, { recursive: true, filter: (source) => !source.startsWith(join(DEPLOY_DIR, 'tests')) && !source.endsWith('secrets.env') });
  cpSync(join(DEPLOY_DIR, 'base/secrets.env.example'), join(copy, 'base/secrets.env'));
  return copy;
}

function render(copy, path) {
  const yaml = execFileSync('kubectl', ['kustomize', join(copy, path)], { encoding: 'utf8' });
  return parseAllDocuments(yaml).map((document) => document.toJS());
}


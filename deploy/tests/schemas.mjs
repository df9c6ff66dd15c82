import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { WORKSPACE_ROOT } from './render.mjs';

const CORE_GROUP = '';

/** Where kubernetes-models, @kubernetes-models/keda and @kubernetes-models/prometheus-operator keep the model of an apiVersion + kind. */
export function modelModule(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [CORE_GROUP, apiVersion];
  if (group === 'keda.sh') return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${kind}`;
  if (group.endsWith('rabbitmq.com')) return undefined;
  return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
}

export async function validateAgainstModel(object) {
  const module = modelModule(object.apiVersion, object.kind);
  if (!module) return false;
  const Model = (await import(module))[object.kind];
  new Model(withoutWrappedBase64(object)).validate();
  return true;
}

/** kustomize folds long base64 Secret values over lines, which the API server accepts and ignores. */
function withoutWrappedBase64(object) {
  if (object.kind !== 'Secret' || !object.data) return object;
  return { ...object, data: Object.fromEntries(Object.entries(object.data).map(([key, value]) => [key, value.replace(/\s/g, '')])) };
}

/**
 * The models' validators accept fields they do not know. Their TypeScript interfaces do not: an
 * object literal typed as `IDeployment` with an extra field anywhere fails to compile. So each
 * object is written out as such a literal and type-checked; the compiler's messages name the field.
 */
export function unknownFieldErrors(objects) {
  const modelled = objects.filter((object) => modelModule(object.apiVersion, object.kind));
  const lines = modelled.map((object, index) => {
    const module = modelModule(object.apiVersion, object.kind);
    return `import type { I${object.kind} as T${index} } from '${module}';\nexport const object${index}: T${index} = ${JSON.stringify(object)};`;
  });
  const directory = mkdtempSync(join(WORKSPACE_ROOT, 'tmp-manifest-types-'));
  writeFileSync(join(directory, 'objects.ts'), lines.join('\n'));
  writeFileSync(
    join(directory, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', skipLibCheck: true, types: [] }, files: ['objects.ts'] }),
  );
  try {
    // Not pretty: under nx (FORCE_COLOR) tsc colours its messages, and "error TS" no longer appears verbatim.
    execFileSync(join(WORKSPACE_ROOT, 'node_modules/.bin/tsc'), ['-p', directory, '--pretty', 'false'], { encoding: 'utf8' });
    return [];
  } catch (error) {
    const errors = `${error.stdout}`.split('\n').filter((line) => line.includes('error TS'));
    // A compiler that failed without naming a field (crashed, killed) must not read as "no unknown field".
    if (errors.length === 0) throw new Error(`tsc failed: ${error.message}\n${error.stdout}\n${error.stderr}`);
    return errors;
  } finally {
    execFileSync('rm', ['-rf', directory]);
  }
}

/** The apps' configuration schemas from libs/config, compiled on the fly: the one list of env keys. */
export function appConfigSchemas() {
  const directory = mkdtempSync(join(WORKSPACE_ROOT, 'tmp-config-'));
  const outfile = join(directory, 'config.cjs');
  buildSync({ entryPoints: [join(WORKSPACE_ROOT, 'libs/config/src/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent' });
  const config = createRequire(import.meta.url)(outfile);
  execFileSync('rm', ['-rf', directory]);
  return {
    'producer-api': Object.keys(config.producerApiSchema),
    processor: Object.keys(config.processorAppSchema({ port: 0, concurrency: 1, backendRateLimit: 0, backendMaxConcurrency: 0 })),
    'backend-simulator': Object.keys(config.backendSimulatorAppSchema),
    'ops-console': Object.keys(config.opsConsoleAppSchema),
    'order-tracker': Object.keys(config.orderTrackerAppSchema),
  };
}

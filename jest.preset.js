const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const workspaceRoot = __dirname;
const { compilerOptions } = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8'));

/** Maps the `@bss/*` aliases of tsconfig.base.json so tests import libs exactly as apps do. */
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replaceAll('/', '\\/')}$`,
    join(workspaceRoot, target),
  ]),
);

/** NestJS DI needs decorator metadata, which SWC only emits when asked to. */
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': ['@swc/jest', swcOptions] },
  // content-disposition 3 (under @fastify/static, which serves /docs) ships ES modules only; Node
  // loads it through require(esm), jest needs it compiled.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  setupFiles: [join(workspaceRoot, 'tools/jest/reflect-metadata.js')],
};

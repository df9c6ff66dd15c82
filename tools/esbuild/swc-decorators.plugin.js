const { readFile } = require('node:fs/promises');
const { transform } = require('@swc/core');

/**
 * esbuild strips TypeScript types without emitting `design:paramtypes`, so NestJS cannot see
 * constructor parameter types and injects `undefined` without any start-up error. This plugin
 * hands every TypeScript file of ours to SWC (legacy decorators + metadata) before esbuild bundles it.
 */
function swcDecoratorsPlugin() {
  return {
    name: 'swc-decorators',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        if (path.includes('/node_modules/')) return undefined;
        const source = await readFile(path, 'utf8');
        const output = await transform(source, {
          filename: path,
          sourceMaps: 'inline',
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
            keepClassNames: true,
          },
          // CommonJS output: SWC keeps imports of types that decorator metadata mentions, which
          // esbuild would reject as missing ES exports; as require() calls they resolve to undefined.
          module: { type: 'commonjs' },
        });
        return { contents: output.code, loader: 'js' };
      });
    },
  };
}

module.exports = { swcDecoratorsPlugin };

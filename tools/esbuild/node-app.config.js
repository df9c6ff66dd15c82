const { swcDecoratorsPlugin } = require('./swc-decorators.plugin');

/** Shared esbuild settings for every Node app; referenced by each app's `esbuildConfig`. */
module.exports = {
  plugins: [swcDecoratorsPlugin()],
  keepNames: true,
};

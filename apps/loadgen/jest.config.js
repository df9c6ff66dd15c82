module.exports = { ...require('../../jest.preset.js'), displayName: 'loadgen', rootDir: __dirname, testTimeout: 300_000 };

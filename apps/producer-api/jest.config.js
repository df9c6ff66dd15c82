module.exports = { ...require('../../jest.preset.js'), displayName: 'producer-api', rootDir: __dirname, testTimeout: 30_000 };

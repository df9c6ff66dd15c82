module.exports = { ...require('../../jest.preset.js'), displayName: 'processor-kit', rootDir: __dirname, testTimeout: 30_000 };

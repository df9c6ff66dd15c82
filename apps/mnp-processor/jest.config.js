module.exports = { ...require('../../jest.preset.js'), displayName: 'mnp-processor', rootDir: __dirname };

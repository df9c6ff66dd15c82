module.exports = { ...require('../../jest.preset.js'), displayName: 'termination-processor', rootDir: __dirname };

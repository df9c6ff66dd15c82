module.exports = { ...require('../../jest.preset.js'), displayName: 'change-processor', rootDir: __dirname };

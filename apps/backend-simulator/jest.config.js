module.exports = { ...require('../../jest.preset.js'), displayName: 'backend-simulator', rootDir: __dirname };

module.exports = { ...require('../../jest.preset.js'), displayName: 'order-tracker', rootDir: __dirname };

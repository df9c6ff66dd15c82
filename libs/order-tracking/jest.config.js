module.exports = { ...require('../../jest.preset.js'), displayName: 'order-tracking', rootDir: __dirname };

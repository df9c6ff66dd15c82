module.exports = { ...require('../../jest.preset.js'), displayName: 'subscription-processor', rootDir: __dirname };

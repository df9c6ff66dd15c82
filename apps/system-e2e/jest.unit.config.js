module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'system-e2e support',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/support/**/*.spec.ts'],
};

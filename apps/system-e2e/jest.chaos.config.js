module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chaos',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/chaos/**/*.chaos.spec.ts'],
  testTimeout: 600_000,
  globalSetup: '<rootDir>/src/chaos/chaos-global-setup.ts',
  globalTeardown: '<rootDir>/src/chaos/chaos-global-teardown.ts',
};

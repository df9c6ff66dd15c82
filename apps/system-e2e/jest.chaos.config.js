module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chaos',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/chaos/**/*.chaos.spec.ts'],
  testTimeout: 600_000,
};

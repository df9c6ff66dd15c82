module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'leveling',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/leveling/**/*.leveling.spec.ts'],
  testTimeout: 600_000,
};

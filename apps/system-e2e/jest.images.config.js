module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'images',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/images/**/*.images.spec.ts'],
  testTimeout: 180_000,
};

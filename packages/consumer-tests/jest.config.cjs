// The consumer tests install packages and start servers: one file at a time, with generous timeouts;
// the packages are packed once per run (global-setup.ts).
module.exports = {
  ...require('../../jest.config.base.js'),
  maxWorkers: 1,
  testTimeout: 600000,
  globalSetup: '<rootDir>/src/global-setup.ts',
  globalTeardown: '<rootDir>/src/global-teardown.ts',
};

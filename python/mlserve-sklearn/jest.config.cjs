// The exported models are checked from js-test/ so that tests/ stays the Python unittest folder.
module.exports = {
  ...require('../../jest.config.base.js'),
  testMatch: ['<rootDir>/js-test/**/*.test.ts'],
};

// The consumer tests install packages and start servers: one file at a time, with generous timeouts.
module.exports = { ...require('../../jest.config.base.js'), maxWorkers: 1, testTimeout: 600000 };

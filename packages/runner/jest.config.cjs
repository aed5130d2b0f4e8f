module.exports = { ...require('../../jest.config.base.js'), testEnvironment: '<rootDir>/test/ort-environment.cjs' };

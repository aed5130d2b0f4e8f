// Shared jest settings: TypeScript is compiled to CommonJS on the fly by SWC, so tests import
// `src/*.ts` directly while other workspace packages resolve to their built `dist/*.cjs`.
/** @type {import('jest').Config} */
module.exports = {
  // Shares the outer realm's typed arrays with each test context (see jest.environment.cjs).
  testEnvironment: require.resolve('./jest.environment.cjs'),
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      require.resolve('@swc/jest'),
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/'],
  testTimeout: 30000,
};

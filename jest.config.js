/** Every project's tests; `npm test` runs them all. Conformance tests need the vendor specs and run separately. */
export default {
  testTimeout: 60_000,
  // The NATS and Postgres the tests use: the ones answering, or the run's own (tools/dev/test-servers.ts).
  globalSetup: '<rootDir>/tools/dev/jest-global-setup.js',
  globalTeardown: '<rootDir>/tools/dev/jest-global-teardown.js',
  projects: [
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/tools/*/jest.config.js',
    '<rootDir>/e2e/jest.config.js',
  ],
};

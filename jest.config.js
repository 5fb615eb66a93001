/** Every project's tests; `npm test` runs them all. Conformance tests need the vendor specs and run separately. */
export default {
  testTimeout: 60_000,
  projects: [
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/tools/*/jest.config.js',
    '<rootDir>/e2e/jest.config.js',
  ],
};

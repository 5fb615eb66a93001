import preset from '../jest.preset.js';

export default {
  ...preset,
  displayName: 'e2e',
  rootDir: '.',
  // The browser tests serve apps/web/dist: built here once when stale.
  globalSetup: '<rootDir>/support/web-global-setup.js',
  testMatch: ['<rootDir>/**/*.e2e-spec.ts', '<rootDir>/**/*.int-spec.ts', '<rootDir>/**/*.spec.ts'],
};

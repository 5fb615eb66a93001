import preset from '../jest.preset.js';

export default {
  ...preset,
  displayName: 'e2e',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.e2e-spec.ts', '<rootDir>/**/*.int-spec.ts', '<rootDir>/**/*.spec.ts'],
};

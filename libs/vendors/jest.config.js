import preset from '../../jest.preset.js';

export default {
  ...preset,
  displayName: 'vendors',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
};

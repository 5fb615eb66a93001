import preset from '../../jest.preset.js';

export default {
  ...preset,
  displayName: 'dev',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
};

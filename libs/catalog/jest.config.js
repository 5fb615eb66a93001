import preset from '../../jest.preset.js';

export default {
  ...preset,
  displayName: 'catalog',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
};

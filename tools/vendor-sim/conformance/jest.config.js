import preset from '../../../jest.preset.js';

/** Checks the simulator's responses against the vendors' own API descriptions; kept out of `npm test`. */
export default {
  ...preset,
  displayName: 'vendor-sim-conformance',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.conformance-spec.ts'],
  testTimeout: 60_000,
};

import { parseDuration } from '@jit/catalog';

describe('durations', () => {
  it.each([
    ['PT2H', 7200],
    ['PT90S', 90],
    ['PT1H30M', 5400],
    ['P1D', 86_400],
    ['P1DT1S', 86_401],
    ['P1W', 604_800],
    ['pt15m', 900],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['1h30m', 5400],
    ['1d', 86_400],
    [' 2h ', 7200],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    ['', 'empty'],
    ['P', 'no component'],
    ['PT', 'no time component'],
    ['P1M', 'months have no fixed length'],
    ['P1Y', 'years have no fixed length'],
    ['PT0S', 'zero'],
    ['0m', 'zero'],
    ['2 hours', 'words'],
    ['-5m', 'negative'],
    ['1.5h', 'fractions'],
    ['h', 'no number'],
    ['30m1h', 'units out of order'],
    ['PT999999999H', 'longer than the column holds'],
  ])('refuses %j (%s)', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

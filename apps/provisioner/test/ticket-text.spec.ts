import { formatDuration } from '../src/grants/ticket-text.js';

describe('ticket durations', () => {
  it('reads as people write durations', () => {
    expect([7200, 900, 5400, 86_400, 45].map(formatDuration)).toEqual(['2h', '15m', '1h30m', '24h', '45s']);
  });
});

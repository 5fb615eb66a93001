import { SignalPolicy } from '../signal-policy.js';

describe('the signals npm start answers', () => {
  it('stops on the first signal and takes npm forwarding the same Ctrl-C for an echo, not a second press', () => {
    const policy = new SignalPolicy(1000);
    expect(policy.onSignal(10_000)).toBe('stop');
    expect(policy.onSignal(10_003)).toBe('ignore');
    expect(policy.onSignal(10_999)).toBe('ignore');
  });

  it('forces the stop on a Ctrl-C pressed again after the echo, and on every one after it', () => {
    const policy = new SignalPolicy(1000);
    policy.onSignal(10_000);
    expect(policy.onSignal(11_000)).toBe('force');
    expect(policy.onSignal(11_001)).toBe('force');
  });
});

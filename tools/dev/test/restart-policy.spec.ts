import { RestartPolicy } from '../restart-policy.js';

describe('npm start restarts a crashed service', () => {
  const settings = { maxCrashes: 3, windowMs: 60_000, backoff: { baseMs: 500, maxMs: 10_000, jitter: 0 } };

  it('restarts after each crash with a growing delay', () => {
    const policy = new RestartPolicy(settings);
    expect(policy.onCrash(0)).toEqual({ action: 'restart', delayMs: 500, crashes: 1 });
    expect(policy.onCrash(1_000)).toEqual({ action: 'restart', delayMs: 1000, crashes: 2 });
  });

  it('gives up after repeated crashes within the window', () => {
    const policy = new RestartPolicy(settings);
    policy.onCrash(0);
    policy.onCrash(10_000);
    expect(policy.onCrash(20_000)).toEqual({ action: 'give_up', crashes: 3 });
  });

  it('forgets crashes older than the window, so a service that crashes now and then is always restarted', () => {
    const policy = new RestartPolicy(settings);
    for (let minute = 0; minute < 10; minute++) {
      expect(policy.onCrash(minute * 61_000)).toMatchObject({ action: 'restart', crashes: 1 });
    }
  });
});

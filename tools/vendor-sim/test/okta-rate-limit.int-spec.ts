import okta from '@okta/okta-sdk-nodejs';
import { seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { call, oktaClient } from './support/clients.js';

describe('Okta rate limiting', () => {
  let sim: VendorSim;
  const path = `/api/v1/users/${seedPeople.alice.oktaId}`;
  const auth = { authorization: 'SSWS t' };

  beforeAll(async () => {
    sim = await startVendorSim({ oktaRateLimitPerMinute: 3 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('reports limit, remaining and reset on every response', async () => {
    const first = await call(sim, 'GET', path, undefined, auth);
    const second = await call(sim, 'GET', path, undefined, auth);
    const nowSeconds = Date.now() / 1000;

    expect(first.headers.get('x-rate-limit-limit')).toBe('3');
    expect([first, second].map((r) => r.headers.get('x-rate-limit-remaining'))).toEqual(['2', '1']);
    const reset = Number(first.headers.get('x-rate-limit-reset'));
    expect(reset).toBeGreaterThan(nowSeconds);
    expect(reset).toBeLessThanOrEqual(nowSeconds + 61);
  });

  it('answers 429 E0000047 once the per-minute budget is spent', async () => {
    for (let i = 0; i < 3; i += 1) expect((await call(sim, 'GET', path, undefined, auth)).status).toBe(200);

    const limited = await call(sim, 'GET', path, undefined, auth);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ errorCode: 'E0000047' });
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
  });

  it('surfaces the 429 through the SDK', async () => {
    const client: okta.Client = oktaClient(sim);
    for (let i = 0; i < 3; i += 1) await client.userApi.getUser({ userId: seedPeople.bob.email });

    await expect(client.userApi.getUser({ userId: seedPeople.bob.email })).rejects.toMatchObject({
      status: 429,
      errorCode: 'E0000047',
    });
  });

  it('starts a fresh budget on POST /_sim/reset', async () => {
    for (let i = 0; i < 4; i += 1) await call(sim, 'GET', path, undefined, auth);

    sim.reset();
    expect((await call(sim, 'GET', path, undefined, auth)).status).toBe(200);
  });

  it('changes the per-minute budget at run time through PUT /_sim/okta/rate-limit, in a fresh window', async () => {
    for (let i = 0; i < 3; i += 1) await call(sim, 'GET', path, undefined, auth);
    expect((await call(sim, 'GET', path, undefined, auth)).status).toBe(429);

    const changed = await call(sim, 'PUT', '/_sim/okta/rate-limit', { perMinute: 5 });
    expect(changed).toMatchObject({ status: 200, body: { perMinute: 5 } });
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await call(sim, 'GET', path, undefined, auth));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers[0].headers.get('x-rate-limit-limit')).toBe('5');
  });

  it('refuses a budget that is not a positive whole number, and keeps the one it had', async () => {
    const refused = await call(sim, 'PUT', '/_sim/okta/rate-limit', { perMinute: 0 });
    expect(refused.status).toBe(400);
    expect((await call(sim, 'GET', '/_sim/okta/rate-limit')).body).toEqual({ perMinute: 3 });
  });

  it('returns to the budget it started with on reset', async () => {
    sim.setOktaRateLimit(100);
    sim.reset();
    expect((await call(sim, 'GET', '/_sim/okta/rate-limit')).body).toEqual({ perMinute: 3 });
  });
});

import { seedGroups, seedPeople, startVendorSim, type RequestLogLine, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { OktaClient, VendorRejectedError, VendorUnavailableError } from '../src/index.js';

describe('the Okta client (real SDK against the vendor simulator)', () => {
  const token = 'vendors-test-okta-token';
  const { alice, bob, dave } = seedPeople;
  const { githubAdmin, demoSandbox } = seedGroups;
  let sim: VendorSim;
  let requests: RequestLogLine[];
  let okta: OktaClient;

  /** Injects a fault the way an operator would, over the simulator's HTTP API. */
  async function fault(spec: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'okta', ...spec }),
    });
    expect(response.status).toBeLessThan(300);
  }

  /** The Okta API calls the client made, leaving out the simulator's own endpoints. */
  function oktaCalls(): RequestLogLine[] {
    return requests.filter((line) => line.path.startsWith('/api/v1/'));
  }

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0, oktaApiToken: token, log: (line) => requests.push(line) });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.reset();
    requests = [];
    okta = new OktaClient({ orgUrl: sim.url, token, maxRetries: 2, baseDelayMs: 20, maxWaitMs: 200 });
  });

  it('finds a user by login or id, with their manager, and answers undefined (404) for one Okta does not know', async () => {
    await expect(okta.findUser(alice.email)).resolves.toEqual({
      id: alice.oktaId,
      login: alice.email,
      status: 'ACTIVE',
      managerId: bob.oktaId,
    });
    await expect(okta.findUser(bob.oktaId)).resolves.toEqual({ id: bob.oktaId, login: bob.email, status: 'ACTIVE' });
    await expect(okta.findUser('nobody@example.com')).resolves.toBeUndefined();
    await expect(okta.managerLogin(alice.email)).resolves.toBe(bob.email);
    await expect(okta.managerLogin('nobody@example.com')).resolves.toBeUndefined();
  });

  it('adds, lists and removes a group membership, and removing a non-member (or from an unknown group) succeeds', async () => {
    await okta.addToGroup(dave.oktaId, demoSandbox.id);
    await okta.addToGroup(dave.oktaId, demoSandbox.id);
    expect(sim.groupMembers(demoSandbox.id)).toContain(dave.oktaId);
    await expect(okta.isMember(dave.oktaId, demoSandbox.id)).resolves.toBe(true);
    await expect(okta.listMembers(demoSandbox.id)).resolves.toContainEqual({ id: dave.oktaId, login: dave.email });

    await okta.removeFromGroup(dave.oktaId, demoSandbox.id);
    await expect(okta.removeFromGroup(dave.oktaId, demoSandbox.id)).resolves.toBeUndefined();
    await expect(okta.removeFromGroup(dave.oktaId, githubAdmin.id)).resolves.toBeUndefined();
    await expect(okta.removeFromGroup(dave.oktaId, '00g1nosuchgroup00000')).resolves.toBeUndefined();
    expect(sim.groupMembers(demoSandbox.id)).not.toContain(dave.oktaId);
    await expect(okta.isMember(dave.oktaId, demoSandbox.id)).resolves.toBe(false);
  });

  it('retries a 503 with backoff and then answers', async () => {
    await fault({ method: 'GET', path: '/api/v1/users/*', status: 503, count: 2 });

    await expect(okta.findUser(alice.email)).resolves.toMatchObject({ id: alice.oktaId });
    expect(oktaCalls().map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up after maxRetries with VendorUnavailableError, so the caller retries later', async () => {
    await fault({ method: 'DELETE', path: '/api/v1/groups/*', status: 500 });

    const failure = okta.removeFromGroup(alice.oktaId, demoSandbox.id);
    await expect(failure).rejects.toBeInstanceOf(VendorUnavailableError);
    await expect(failure).rejects.toMatchObject({ vendor: 'okta', status: 500 });
    expect(oktaCalls()).toHaveLength(3);
  });

  it('with no retries, surfaces the first fault', async () => {
    const impatient = new OktaClient({ orgUrl: sim.url, token, maxRetries: 0 });
    await fault({ method: 'PUT', path: '/api/v1/groups/*', status: 503, count: 1 });

    await expect(impatient.addToGroup(alice.oktaId, demoSandbox.id)).rejects.toBeInstanceOf(VendorUnavailableError);
    expect(oktaCalls()).toHaveLength(1);
  });

  it('waits out a 429 and then answers', async () => {
    await fault({ method: 'GET', path: '/api/v1/groups/*', status: 429, count: 1 });

    await expect(okta.listMembers(githubAdmin.id)).resolves.toEqual([]);
    expect(oktaCalls().map((r) => r.status)).toEqual([429, 200]);
  });

  it('throws VendorRejectedError for a permanent request fault (4xx), without retrying', async () => {
    await fault({ method: 'PUT', path: '/api/v1/groups/*', status: 400 });

    const failure = okta.addToGroup(alice.oktaId, demoSandbox.id);
    await expect(failure).rejects.toBeInstanceOf(VendorRejectedError);
    await expect(failure).rejects.toMatchObject({ vendor: 'okta', status: 400 });
    expect(oktaCalls()).toHaveLength(1);
  });

  it('does not retry a rejected API token, and does not call it a rejected request either', async () => {
    const wrong = new OktaClient({ orgUrl: sim.url, token: 'wrong-token', baseDelayMs: 20 });

    const failure = wrong.findUser(alice.email);
    await expect(failure).rejects.toMatchObject({ status: 401 });
    await expect(failure).rejects.not.toBeInstanceOf(VendorRejectedError);
    expect(oktaCalls()).toHaveLength(1);
  });
});

describe('the Okta client under a spent rate-limit budget', () => {
  let sim: VendorSim;

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0, oktaRateLimitPerMinute: 1 });
  });
  afterAll(() => sim.close());

  it('waits for X-Rate-Limit-Reset only up to maxWaitMs, then gives up instead of blocking for the window', async () => {
    const okta = new OktaClient({ orgUrl: sim.url, token: 'any', maxRetries: 2, baseDelayMs: 20, maxWaitMs: 300 });
    await okta.findUser(seedPeople.alice.email);

    const started = Date.now();
    const failure = okta.findUser(seedPeople.bob.email);
    await expect(failure).rejects.toBeInstanceOf(VendorUnavailableError);
    await expect(failure).rejects.toMatchObject({ status: 429 });
    // The window resets up to a minute away: two capped waits, not the minute.
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2 * 300 - 20);
    expect(elapsed).toBeLessThan(5000);
  });
});

describe('the Okta clients of one org, sharing its rate budget', () => {
  const budget = 20;
  const requests: RequestLogLine[] = [];
  let sim: VendorSim;

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0, oktaRateLimitPerMinute: budget, log: (line) => requests.push(line) });
  });
  afterAll(() => sim.close());

  /** Looks people up `calls` times, `concurrency` at a time, as one loop of a replica would. */
  async function loop(okta: OktaClient, calls: number, concurrency: number): Promise<unknown[]> {
    const logins = Object.values(seedPeople).map((person) => person.email);
    const found: unknown[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < calls) found.push(await okta.findUser(logins[next++ % logins.length]));
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return found;
  }

  it('a burst half again the minute budget, from two loops at once, is paced into the next window: every call answered, none refused', async () => {
    // Patient enough to wait for the window's reset rather than give up to a slower retry.
    const patient = { orgUrl: sim.url, token: 'any', maxWaitMs: 65_000 };
    const started = Date.now();

    const found = await Promise.all([loop(new OktaClient(patient), 15, 5), loop(new OktaClient(patient), 15, 5)]);

    expect(found.flat().filter(Boolean)).toHaveLength(30);
    const statuses = requests.filter((line) => line.path.startsWith('/api/v1/')).map((line) => line.status);
    expect(statuses).toEqual(Array(30).fill(200));
    // The ten calls over the budget had to wait for the window that opened with the first call to reset.
    expect(Date.now() - started).toBeGreaterThanOrEqual(60_000);
  }, 120_000);
});

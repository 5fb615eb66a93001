import { startVendorSim, type RequestLogLine, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { DirectoryUnavailableError } from '../src/directory/directory.js';
import { OktaDirectory } from '../src/directory/okta-directory.js';

describe('the Okta directory adapter (real SDK against the vendor simulator)', () => {
  const token = 'approval-test-okta-token';
  let sim: VendorSim;
  let requests: RequestLogLine[];
  let directory: OktaDirectory;

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0, oktaApiToken: token, log: (line) => requests.push(line) });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.reset();
    requests = [];
    directory = new OktaDirectory({ orgUrl: sim.url, token, baseDelayMs: 20, maxWaitMs: 200 });
  });

  it("finds a person's manager by login through the manager's Okta id", async () => {
    await expect(directory.managerOf('alice@example.com')).resolves.toBe('bob@example.com');
  });

  it('answers no manager for a person without one, and for a person Okta does not know', async () => {
    await expect(directory.managerOf('bob@example.com')).resolves.toBeUndefined();
    await expect(directory.managerOf('nobody@example.com')).resolves.toBeUndefined();
  });

  /** Creates an active Okta user through the Management API, as an administrator would. */
  async function createUser(login: string, email: string, manager?: string): Promise<void> {
    const response = await fetch(`${sim.url}/api/v1/users?activate=true`, {
      method: 'POST',
      headers: { authorization: `SSWS ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: { firstName: 'Test', lastName: 'User', login, email, ...(manager ? { managerId: manager } : {}) } }),
    });
    expect(response.status).toBe(200);
  }

  it("names a manager in the canonical lower-case form, however Okta spells the manager's login", async () => {
    await createUser('Mallory.Manager@Example.com', 'mallory.manager@example.com');
    const manager = await (
      await fetch(`${sim.url}/api/v1/users/mallory.manager@example.com`, { headers: { authorization: `SSWS ${token}` } })
    ).json();
    await createUser('erin@example.com', 'erin@example.com', (manager as { id: string }).id);

    await expect(directory.managerOf('Erin@Example.com')).resolves.toBe('mallory.manager@example.com');
  });

  it('finds the one person with an e-mail address whatever its case, in canonical form', async () => {
    await expect(directory.loginsWithEmail('Carol@Example.COM')).resolves.toEqual(['carol@example.com']);
  });

  it('finds every person sharing an e-mail address, and nobody for an address Okta does not know or an account deactivated', async () => {
    await createUser('carol.admin@example.com', 'CAROL@example.com');
    await createUser('frank@example.com', 'frank@example.com');
    await fetch(`${sim.url}/api/v1/users/frank@example.com/lifecycle/deactivate`, {
      method: 'POST',
      headers: { authorization: `SSWS ${token}` },
    });

    await expect(directory.loginsWithEmail('carol@example.com')).resolves.toEqual(['carol@example.com', 'carol.admin@example.com']);
    await expect(directory.loginsWithEmail('nobody@example.com')).resolves.toEqual([]);
    await expect(directory.loginsWithEmail('frank@example.com')).resolves.toEqual([]);
  });

  it('retries server errors with backoff and then answers', async () => {
    sim.addFault({ vendor: 'okta', method: 'GET', path: '/api/v1/users/*', status: 503, count: 2 });

    await expect(directory.managerOf('alice@example.com')).resolves.toBe('bob@example.com');
    expect(requests.map((r) => r.status)).toEqual([503, 503, 200, 200]);
  });

  it('waits out a rate limit (429) and then answers', async () => {
    sim.addFault({ vendor: 'okta', method: 'GET', path: '/api/v1/users/*', status: 429, count: 1 });

    await expect(directory.managerOf('alice@example.com')).resolves.toBe('bob@example.com');
    expect(requests.map((r) => r.status)).toEqual([429, 200, 200]);
  });

  it('gives up after a few attempts so the event is retried later, instead of answering "no manager"', async () => {
    sim.addFault({ vendor: 'okta', method: 'GET', path: '/api/v1/users/*', status: 500 });

    await expect(directory.managerOf('alice@example.com')).rejects.toBeInstanceOf(DirectoryUnavailableError);
    expect(requests).toHaveLength(4);
  });

  it('does not retry a rejected API token', async () => {
    const wrong = new OktaDirectory({ orgUrl: sim.url, token: 'wrong-token', baseDelayMs: 20 });

    await expect(wrong.managerOf('alice@example.com')).rejects.toMatchObject({ status: 401 });
    expect(requests).toHaveLength(1);
  });
});

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

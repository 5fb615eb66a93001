import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { call, jiraClient, oktaClient, slackClient } from './support/clients.js';

describe('fault injection', () => {
  let sim: VendorSim;
  const groupId = seedGroups.awsProdConsole.id;
  const userId = seedPeople.alice.oktaId;

  beforeAll(async () => {
    sim = await startVendorSim();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('answers exactly `count` matching Okta calls with the status, then clears itself', async () => {
    const client = oktaClient(sim);
    await client.groupApi.assignUserToGroup({ groupId, userId });
    const added = await call(sim, 'POST', '/_sim/faults', {
      vendor: 'okta',
      method: 'DELETE',
      path: '/api/v1/groups/*',
      status: 503,
      count: 2,
    });
    expect(added).toMatchObject({ status: 201, body: { remaining: 2 } });

    const outcomes: (number | 'ok')[] = [];
    for (let i = 0; i < 3; i += 1) {
      outcomes.push(
        await client.groupApi.unassignUserFromGroup({ groupId, userId }).then(
          () => 'ok' as const,
          (err: { status: number }) => err.status,
        ),
      );
    }

    expect(outcomes).toEqual([503, 503, 'ok']);
    expect(sim.groupMembers(groupId)).toEqual([]);
    expect((await call(sim, 'GET', '/_sim/faults')).body).toEqual([]);
  });

  it('leaves requests of other methods alone', async () => {
    sim.addFault({ vendor: 'okta', method: 'DELETE', path: '/api/v1/groups/*', status: 503 });

    await oktaClient(sim).groupApi.assignUserToGroup({ groupId, userId });
    expect(sim.groupMembers(groupId)).toEqual([userId]);
  });

  it("answers in the vendor's error shape", async () => {
    sim.addFault({ vendor: 'okta', path: '/api/v1/users/*', status: 500 });
    sim.addFault({ vendor: 'jira', path: '/rest/api/3/issue', status: 503 });
    sim.addFault({ vendor: 'slack', path: '/api/chat.postMessage', status: 429 });

    await expect(oktaClient(sim).userApi.getUser({ userId })).rejects.toMatchObject({ status: 500, errorCode: 'E0000009' });
    await expect(
      jiraClient(sim).issues.createIssue({ fields: { project: { key: 'JIT' }, issuetype: { name: 'Task' }, summary: 's' } }),
    ).rejects.toMatchObject({ status: 503 });
    const slackResponse = await fetch(`${sim.url}/api/chat.postMessage`, { method: 'POST' });
    expect(slackResponse.status).toBe(429);
    expect(slackResponse.headers.get('retry-after')).toBe('1');
    expect(await slackResponse.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('delays matching requests by latencyMs and then serves them normally', async () => {
    sim.addFault({ vendor: 'slack', path: '/api/users.*', latencyMs: 300, count: 1 });
    const slack = slackClient(sim);

    const started = performance.now();
    const { user } = await slack.users.lookupByEmail({ email: seedPeople.bob.email });
    const delayed = performance.now() - started;
    const fastStarted = performance.now();
    await slack.users.lookupByEmail({ email: seedPeople.bob.email });

    expect(user?.id).toBe(seedPeople.bob.slackId);
    expect(delayed).toBeGreaterThanOrEqual(295);
    expect(performance.now() - fastStarted).toBeLessThan(delayed);
  });

  it('expires a fault after `seconds`', async () => {
    sim.addFault({ vendor: 'okta', path: '/api/v1/users/*', status: 503, seconds: 0.2 });
    const client = oktaClient(sim);
    await expect(client.userApi.getUser({ userId })).rejects.toMatchObject({ status: 503 });

    const deadline = Date.now() + 5000;
    let status = 503;
    while (status === 503 && Date.now() < deadline) {
      status = (await call(sim, 'GET', `/api/v1/users/${userId}`, undefined, { authorization: 'SSWS t' })).status;
    }
    expect(status).toBe(200);
    expect(sim.faults()).toEqual([]);
  });

  it('lists active faults and clears them all on DELETE /_sim/faults', async () => {
    await call(sim, 'POST', '/_sim/faults', { vendor: 'jira', path: '/rest/api/3/*', status: 500 });
    await call(sim, 'POST', '/_sim/faults', { vendor: 'slack', path: '/api/*', latencyMs: 10, seconds: 30 });

    const listed = await call(sim, 'GET', '/_sim/faults');
    expect((listed.body as { vendor: string }[]).map((f) => f.vendor)).toEqual(['jira', 'slack']);
    expect((await call(sim, 'DELETE', '/_sim/faults')).status).toBe(204);
    expect((await call(sim, 'GET', '/_sim/faults')).body).toEqual([]);
    const issue = await call(sim, 'GET', '/rest/api/3/issue/JIT-1', undefined, {
      authorization: `Basic ${Buffer.from('a@example.com:t').toString('base64')}`,
    });
    expect(issue.status).toBe(404);
  });

  it.each([
    [{ vendor: 'github', path: '/x', status: 500 }, 'vendor'],
    [{ vendor: 'okta', path: '/x', status: 'bad' }, 'status'],
    [{ vendor: 'okta', path: 'no-slash', status: 500 }, 'path'],
    [{ vendor: 'okta', path: '/x', status: 500, count: 0 }, 'count'],
    [{ vendor: 'okta', path: '/x' }, 'status'],
    [{ vendor: 'okta', path: '/x', status: 500, method: 'FETCH' }, 'method'],
  ])('rejects the bad fault %j with 400 naming %s', async (body, field) => {
    const response = await call(sim, 'POST', '/_sim/faults', body);

    expect(response.status).toBe(400);
    expect((response.body as { fields: string[] }).fields).toContain(field);
    expect(sim.faults()).toEqual([]);
  });
});

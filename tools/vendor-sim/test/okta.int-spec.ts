import okta from '@okta/okta-sdk-nodejs';
import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { call, oktaClient } from './support/clients.js';

describe('Okta management API through @okta/okta-sdk-nodejs', () => {
  let sim: VendorSim;
  let client: okta.Client;
  const { alice, bob, carol } = seedPeople;
  const github = seedGroups.githubAdmin;

  beforeAll(async () => {
    sim = await startVendorSim();
    client = oktaClient(sim);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  async function memberLogins(groupId: string): Promise<string[]> {
    const logins: string[] = [];
    for await (const user of await client.groupApi.listGroupUsers({ groupId })) logins.push(user!.profile!.login!);
    return logins;
  }

  it('adds users to a group and lists them as members', async () => {
    await client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.oktaId });
    await client.groupApi.assignUserToGroup({ groupId: github.id, userId: carol.oktaId });

    expect(await memberLogins(github.id)).toEqual([alice.email, carol.email]);
    expect(sim.groupMembers(github.id)).toEqual([alice.oktaId, carol.oktaId]);
  });

  it('removes a member, and removing a non-member succeeds without changing anything', async () => {
    await client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.oktaId });

    await client.groupApi.unassignUserFromGroup({ groupId: github.id, userId: alice.oktaId });
    await client.groupApi.unassignUserFromGroup({ groupId: github.id, userId: bob.oktaId });

    expect(await memberLogins(github.id)).toEqual([]);
  });

  it('pages group members through Link headers the SDK follows', async () => {
    for (const person of Object.values(seedPeople)) {
      await client.groupApi.assignUserToGroup({ groupId: github.id, userId: person.oktaId });
    }
    const firstPage = await call(sim, 'GET', `/api/v1/groups/${github.id}/users?limit=3`, undefined, {
      authorization: 'SSWS t',
    });

    expect((firstPage.body as unknown[]).length).toBe(3);
    expect(firstPage.headers.get('link')).toContain('rel="next"');
    const all: string[] = [];
    for await (const user of await client.groupApi.listGroupUsers({ groupId: github.id, limit: 3 })) all.push(user!.id!);
    expect(all).toEqual(Object.values(seedPeople).map((p) => p.oktaId));
  });

  it('finds a user by login with the manager in the profile', async () => {
    const user = await client.userApi.getUser({ userId: alice.email });

    expect(user.id).toBe(alice.oktaId);
    expect(user.profile).toMatchObject({ login: alice.email, email: alice.email, firstName: 'Alice', managerId: bob.oktaId });
    expect(user.profile!.manager).toBe('Bob Baker');
  });

  it("lists a user's groups after membership changes", async () => {
    await client.groupApi.assignUserToGroup({ groupId: seedGroups.demoSandbox.id, userId: alice.oktaId });

    const names: string[] = [];
    for await (const group of await client.userApi.listUserGroups({ userId: alice.oktaId })) names.push(group!.profile!.name!);
    expect(names).toEqual(['demo-sandbox']);
  });

  it('reads a group by id', async () => {
    const group = await client.groupApi.getGroup({ groupId: seedGroups.awsProdConsole.id });

    expect(group.profile!.name).toBe('aws-prod-console');
    expect(group.type).toBe('OKTA_GROUP');
  });

  it("answers unknown users and groups with 404 in Okta's error shape", async () => {
    const unknownUser = client.userApi.getUser({ userId: 'nobody@example.com' });
    await expect(unknownUser).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
    const unknownGroup = client.groupApi.assignUserToGroup({ groupId: '00gnosuchgroup000000', userId: alice.oktaId });
    await expect(unknownGroup).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });

    const raw = await call(sim, 'GET', '/api/v1/users/nobody', undefined, { authorization: 'SSWS t' });
    expect(Object.keys(raw.body as object).sort()).toEqual(['errorCauses', 'errorCode', 'errorId', 'errorLink', 'errorSummary']);
  });

  it('refuses membership changes by login, since Okta takes only user ids there', async () => {
    const byLogin = client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.email });

    await expect(byLogin).rejects.toMatchObject({ status: 404 });
    expect(sim.groupMembers(github.id)).toEqual([]);
  });

  it('rejects requests without an SSWS token with 401 E0000011', async () => {
    const missing = await call(sim, 'GET', `/api/v1/users/${alice.oktaId}`);
    const bearer = await call(sim, 'GET', `/api/v1/users/${alice.oktaId}`, undefined, { authorization: 'Bearer abc' });

    expect(missing).toMatchObject({ status: 401, body: { errorCode: 'E0000011' } });
    expect(bearer.status).toBe(401);
  });

  it('accepts only the configured API token when one is set', async () => {
    const strict = await startVendorSim({ oktaApiToken: 'the-token' });
    try {
      const wrong = await call(strict, 'GET', `/api/v1/users/${alice.oktaId}`, undefined, { authorization: 'SSWS other' });
      const right = await call(strict, 'GET', `/api/v1/users/${alice.oktaId}`, undefined, { authorization: 'SSWS the-token' });
      expect([wrong.status, right.status]).toEqual([401, 200]);
    } finally {
      await strict.close();
    }
  });

  it('empties memberships on POST /_sim/reset', async () => {
    await client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.oktaId });

    expect((await call(sim, 'POST', '/_sim/reset')).status).toBe(204);
    expect(sim.groupMembers(github.id)).toEqual([]);
  });
});

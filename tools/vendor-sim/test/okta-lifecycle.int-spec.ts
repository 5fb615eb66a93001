import okta from '@okta/okta-sdk-nodejs';
import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { call, oktaClient, slackClient } from './support/clients.js';

describe('Okta users and groups as data, with their lifecycle, through @okta/okta-sdk-nodejs', () => {
  let sim: VendorSim;
  let client: okta.Client;
  const { alice, bob } = seedPeople;
  const github = seedGroups.githubAdmin;
  const aws = seedGroups.awsProdConsole;
  const auth = { authorization: 'SSWS t' };

  beforeAll(async () => {
    sim = await startVendorSim();
    client = oktaClient(sim);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  const erin = { firstName: 'Erin', lastName: 'Evans', email: 'erin@example.com', login: 'erin@example.com', managerId: bob.oktaId };

  async function statusOf(userId: string): Promise<string | undefined> {
    return (await client.userApi.getUser({ userId })).status;
  }

  async function memberIds(groupId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const user of await client.groupApi.listGroupUsers({ groupId })) ids.push(user!.id!);
    return ids;
  }

  describe('createUser', () => {
    it('creates an ACTIVE user with activate=true, found by id and by login, with the manager resolved', async () => {
      const created = await client.userApi.createUser({ body: { profile: erin }, activate: true });

      expect(created.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
      expect(created).toMatchObject({ status: 'ACTIVE', profile: { login: erin.login, managerId: bob.oktaId, manager: 'Bob Baker' } });
      expect(created.activated).toEqual(created.statusChanged);
      expect((await client.userApi.getUser({ userId: erin.login })).id).toBe(created.id);
      expect((await client.userApi.getUser({ userId: created.id! })).profile!.displayName).toBe('Erin Evans');
    });

    it('creates a STAGED user with activate=false, whom activateUser makes ACTIVE', async () => {
      const created = await client.userApi.createUser({ body: { profile: erin }, activate: false });
      expect(created).toMatchObject({ status: 'STAGED', activated: null });

      const token = await client.userApi.activateUser({ userId: created.id!, sendEmail: false });

      expect(token.activationUrl).toBe(`${sim.url}/tokens/${token.activationToken}/verify`);
      const activated = await client.userApi.getUser({ userId: created.id! });
      expect(activated.status).toBe('ACTIVE');
      expect(activated.activated).not.toBeNull();
    });

    it('keeps profile attributes it does not interpret and returns them as given', async () => {
      const created = await client.userApi.createUser({ body: { profile: { ...erin, department: 'Platform' } } });

      expect(created.profile).toMatchObject({ department: 'Platform' });
    });

    it('refuses a login that already exists, whatever its case, with 400 E0000001 naming login', async () => {
      const duplicate = client.userApi.createUser({ body: { profile: { ...erin, login: alice.email.toUpperCase() } } });

      await expect(duplicate).rejects.toMatchObject({
        status: 400,
        errorCode: 'E0000001',
        errorSummary: 'Api validation failed: login',
        errorCauses: [{ errorSummary: 'login: An object with this field already exists in the current organization' }],
      });
    });

    it('refuses a profile missing required attributes with 400 E0000001 naming each one', async () => {
      const response = await call(sim, 'POST', '/api/v1/users?activate=true', { profile: { login: 'not-an-address' } }, auth);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        errorCode: 'E0000001',
        errorSummary: 'Api validation failed: firstName, lastName, email, login',
        errorCauses: [
          { errorSummary: 'firstName: The field cannot be left blank' },
          { errorSummary: 'lastName: The field cannot be left blank' },
          { errorSummary: 'email: The field cannot be left blank' },
          { errorSummary: 'login: Username must be in the form of an email address' },
        ],
      });
    });

    it('refuses a body that is not JSON with 400 E0000003', async () => {
      const response = await fetch(`${sim.url}/api/v1/users`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{"profile":',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errorCode: 'E0000003' });
    });

    it('puts the new user in the groups named by groupIds, and refuses an unknown group', async () => {
      const created = await client.userApi.createUser({ body: { profile: erin, groupIds: [github.id] } });
      expect(await memberIds(github.id)).toEqual([created.id]);

      const unknown = client.userApi.createUser({
        body: { profile: { ...erin, login: 'e2@example.com' }, groupIds: ['00gnosuchgroup000000'] },
      });
      await expect(unknown).rejects.toMatchObject({ status: 400, errorCode: 'E0000001' });
    });

    it('makes the new user a member of the Slack workspace, found by e-mail and by id', async () => {
      await client.userApi.createUser({ body: { profile: erin } });
      const slack = slackClient(sim);

      const { user } = await slack.users.lookupByEmail({ email: erin.email });
      expect(user).toMatchObject({ id: expect.stringMatching(/^U[A-Z0-9]{10}$/), profile: { real_name: 'Erin Evans' } });
      expect((await slack.users.info({ user: user!.id! })).user?.profile?.email).toBe(erin.email);
    });
  });

  describe('lifecycle', () => {
    it('deactivates a user: DEPROVISIONED, statusChanged moves, and their group memberships are kept', async () => {
      await client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.oktaId });
      const before = await client.userApi.getUser({ userId: alice.oktaId });

      await client.userApi.deactivateUser({ userId: alice.oktaId });

      const after = await client.userApi.getUser({ userId: alice.oktaId });
      expect(after.status).toBe('DEPROVISIONED');
      expect(after.statusChanged).not.toEqual(before.statusChanged);
      expect(after.lastUpdated).toEqual(after.statusChanged);
      expect(await memberIds(github.id)).toEqual([alice.oktaId]);
    });

    it('answers the deactivation of a DEPROVISIONED user with 404 E0000007, as Okta does', async () => {
      await client.userApi.deactivateUser({ userId: alice.oktaId });

      await expect(client.userApi.deactivateUser({ userId: alice.oktaId })).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
    });

    it('suspends an ACTIVE user and unsuspends them back to ACTIVE, keeping their memberships', async () => {
      await client.groupApi.assignUserToGroup({ groupId: aws.id, userId: alice.oktaId });

      await client.userApi.suspendUser({ userId: alice.oktaId });
      expect(await statusOf(alice.oktaId)).toBe('SUSPENDED');
      expect(sim.groupMembers(aws.id)).toEqual([alice.oktaId]);

      await client.userApi.unsuspendUser({ userId: alice.oktaId });
      expect(await statusOf(alice.oktaId)).toBe('ACTIVE');
    });

    it('deactivates a SUSPENDED user', async () => {
      await client.userApi.suspendUser({ userId: alice.oktaId });

      await client.userApi.deactivateUser({ userId: alice.oktaId });

      expect(await statusOf(alice.oktaId)).toBe('DEPROVISIONED');
    });

    it('refuses to suspend a user who is not ACTIVE and to unsuspend one who is not SUSPENDED, with 400 E0000001', async () => {
      await expect(client.userApi.unsuspendUser({ userId: alice.oktaId })).rejects.toMatchObject({
        status: 400,
        errorCode: 'E0000001',
        errorCauses: [{ errorSummary: 'Cannot unsuspend a user that is not suspended' }],
      });
      await client.userApi.deactivateUser({ userId: alice.oktaId });
      await expect(client.userApi.suspendUser({ userId: alice.oktaId })).rejects.toMatchObject({
        status: 400,
        errorCode: 'E0000001',
        errorCauses: [{ errorSummary: 'Cannot suspend a user that is not active' }],
      });
      expect(await statusOf(alice.oktaId)).toBe('DEPROVISIONED');
    });

    it('refuses to activate an ACTIVE user with 403 E0000016, and reactivates a DEPROVISIONED one', async () => {
      await expect(client.userApi.activateUser({ userId: alice.oktaId })).rejects.toMatchObject({ status: 403, errorCode: 'E0000016' });

      await client.userApi.deactivateUser({ userId: alice.oktaId });
      await client.userApi.activateUser({ userId: alice.oktaId, sendEmail: true });

      expect(await statusOf(alice.oktaId)).toBe('ACTIVE');
    });

    it('takes a login where Okta takes one, and answers an unknown user with 404', async () => {
      await client.userApi.suspendUser({ userId: alice.email });
      expect(await statusOf(alice.oktaId)).toBe('SUSPENDED');

      await expect(client.userApi.suspendUser({ userId: '00unosuchuser0000000' })).rejects.toMatchObject({
        status: 404,
        errorCode: 'E0000007',
      });
    });
  });

  describe('deleteUser', () => {
    it('deletes in two steps as Okta does: the first DELETE deactivates, the second deletes', async () => {
      await client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.oktaId });

      await client.userApi.deleteUser({ userId: alice.oktaId });
      expect(await statusOf(alice.oktaId)).toBe('DEPROVISIONED');
      expect(sim.groupMembers(github.id)).toEqual([alice.oktaId]);

      await client.userApi.deleteUser({ userId: alice.oktaId });
      await expect(client.userApi.getUser({ userId: alice.oktaId })).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
      await expect(client.userApi.getUser({ userId: alice.email })).rejects.toMatchObject({ status: 404 });
    });

    it('leaves no trace of a deleted user: no memberships, and 404 for every operation on them', async () => {
      await client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.oktaId });
      await client.groupApi.assignUserToGroup({ groupId: aws.id, userId: alice.oktaId });
      await client.userApi.deactivateUser({ userId: alice.oktaId });

      await client.userApi.deleteUser({ userId: alice.oktaId });

      expect([sim.groupMembers(github.id), sim.groupMembers(aws.id)]).toEqual([[], []]);
      const userId = alice.oktaId;
      const attempts: Record<string, () => Promise<unknown>> = {
        deleteUser: () => client.userApi.deleteUser({ userId }),
        deactivateUser: () => client.userApi.deactivateUser({ userId }),
        activateUser: () => client.userApi.activateUser({ userId }),
        listUserGroups: async () => {
          for await (const _group of await client.userApi.listUserGroups({ userId }));
        },
        assignUserToGroup: () => client.groupApi.assignUserToGroup({ groupId: github.id, userId }),
      };
      for (const [operation, attempt] of Object.entries(attempts)) {
        const outcome = await attempt().then(
          () => 'succeeded',
          (err: { status: number; errorCode: string }) => `${err.status} ${err.errorCode}`,
        );
        expect({ operation, outcome }).toEqual({ operation, outcome: '404 E0000007' });
      }
      expect(sim.groupMembers(github.id)).toEqual([]);
    });

    it('lets the login of a deleted user be created again, as a new user', async () => {
      const first = await client.userApi.createUser({ body: { profile: erin } });
      await client.userApi.deleteUser({ userId: first.id! });
      await client.userApi.deleteUser({ userId: first.id! });

      const second = await client.userApi.createUser({ body: { profile: erin } });

      expect(second.id).not.toBe(first.id);
      expect((await client.userApi.getUser({ userId: erin.login })).id).toBe(second.id);
    });
  });

  describe('groups', () => {
    it('creates an OKTA_GROUP that takes members', async () => {
      const group = await client.groupApi.createGroup({ group: { profile: { name: 'jit-temporary', description: 'made by a test' } } });
      await client.groupApi.assignUserToGroup({ groupId: group.id!, userId: alice.oktaId });

      expect(group).toMatchObject({
        id: expect.stringMatching(/^00g[0-9A-Za-z]{17}$/),
        type: 'OKTA_GROUP',
        profile: { name: 'jit-temporary' },
      });
      expect(await memberIds(group.id!)).toEqual([alice.oktaId]);
    });

    it('refuses a group name that exists, whatever its case, with 400 E0000001', async () => {
      const duplicate = client.groupApi.createGroup({ group: { profile: { name: github.name.toUpperCase() } } });

      await expect(duplicate).rejects.toMatchObject({ status: 400, errorCode: 'E0000001' });
    });

    it('deletes a group with 204; afterwards the group and its member list answer 404 and its members lose it', async () => {
      await client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.oktaId });

      await client.groupApi.deleteGroup({ groupId: github.id });

      await expect(client.groupApi.getGroup({ groupId: github.id })).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
      await expect(memberIds(github.id)).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
      await expect(client.groupApi.deleteGroup({ groupId: github.id })).rejects.toMatchObject({ status: 404 });
      await expect(client.groupApi.assignUserToGroup({ groupId: github.id, userId: alice.oktaId })).rejects.toMatchObject({ status: 404 });
      expect(sim.groupMembers(github.id)).toEqual([]);
      const names: string[] = [];
      for await (const group of await client.userApi.listUserGroups({ userId: alice.oktaId })) names.push(group!.profile!.name!);
      expect(names).toEqual([]);
    });
  });

  it('counts every new operation against the Okta rate limit', async () => {
    const exhausted = await startVendorSim({ oktaRateLimitPerMinute: 0 });
    try {
      const requests: [string, string][] = [
        ['POST', '/api/v1/users?activate=true'],
        ['POST', `/api/v1/users/${alice.oktaId}/lifecycle/activate`],
        ['POST', `/api/v1/users/${alice.oktaId}/lifecycle/deactivate`],
        ['POST', `/api/v1/users/${alice.oktaId}/lifecycle/suspend`],
        ['POST', `/api/v1/users/${alice.oktaId}/lifecycle/unsuspend`],
        ['DELETE', `/api/v1/users/${alice.oktaId}`],
        ['POST', '/api/v1/groups'],
        ['DELETE', `/api/v1/groups/${github.id}`],
      ];
      for (const [method, path] of requests) {
        const response = await call(exhausted, method, path, { profile: erin }, auth);
        expect({ method, path, status: response.status, body: response.body }).toMatchObject({
          method,
          path,
          status: 429,
          body: { errorCode: 'E0000047' },
        });
        expect(response.headers.get('x-rate-limit-remaining')).toBe('0');
      }
      expect((await call(exhausted, 'GET', `/api/v1/users/${alice.oktaId}`, undefined, auth)).status).toBe(429);
    } finally {
      await exhausted.close();
    }
    expect(await statusOf(alice.oktaId)).toBe('ACTIVE');
  });

  it('returns users, statuses and groups to the seed on POST /_sim/reset', async () => {
    await client.userApi.createUser({ body: { profile: erin } });
    await client.userApi.deactivateUser({ userId: alice.oktaId });
    await client.groupApi.deleteGroup({ groupId: github.id });

    expect((await call(sim, 'POST', '/_sim/reset')).status).toBe(204);

    await expect(client.userApi.getUser({ userId: erin.login })).rejects.toMatchObject({ status: 404 });
    await expect(slackClient(sim).users.lookupByEmail({ email: erin.email })).rejects.toMatchObject({ data: { error: 'users_not_found' } });
    expect(await statusOf(alice.oktaId)).toBe('ACTIVE');
    expect((await client.groupApi.getGroup({ groupId: github.id })).profile!.name).toBe(github.name);
  });
});

import { generatedPerson, seedGroups, seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { send, type RawResponse } from './support/http.js';
import { readSpec } from './support/spec-files.js';
import { SpecValidator } from './support/spec-validator.js';

/** Okta documents 401 once for the whole API (bad or missing API token), not per operation. */
const INVALID_TOKEN_401 = '#/components/responses/ErrorInvalidToken401';

const { alice } = seedPeople;
const group = seedGroups.githubAdmin;
const auth = { authorization: 'SSWS conformance-token' };
/** A generated person, whose lifecycle the operations below change (every test starts from a reset). */
const subject = generatedPerson(1).oktaId;
const missingUser = '00unosuchuser0000000';
const missingGroup = '00gnosuchgroup000000';

/** A request to the simulator. */
interface Call {
  method: string;
  url: string;
  body?: unknown;
}

/** A documented error status the simulator answers, after the calls in `given` set the scene. */
interface Failure {
  when: string;
  given?: Call[];
  url: string;
  body?: unknown;
  status: number;
}

/** An operation the simulator serves: its path in Okta's description, a call that succeeds, and calls that fail. */
interface Operation {
  op: string;
  path: string;
  method: string;
  given?: Call[];
  ok: string;
  body?: unknown;
  success: number;
  failures: Failure[];
}

const lifecycle = (action: string, userId = subject): Call => ({ method: 'POST', url: `/api/v1/users/${userId}/lifecycle/${action}` });
const deleteUser = (userId = subject): Call => ({ method: 'DELETE', url: `/api/v1/users/${userId}` });
const addMember = (groupId: string, userId: string): Call => ({ method: 'PUT', url: `/api/v1/groups/${groupId}/users/${userId}` });
const newUser = (login: string) => ({
  profile: { firstName: 'Nora', lastName: 'New', email: login, login, managerId: seedPeople.bob.oktaId },
});
const userNotFound: Failure = { when: 'the user does not exist', url: '', status: 404 };

/** Error statuses Okta documents that the simulator never answers, and why. */
const NOT_PRODUCED = [
  {
    path: '/api/v1/users/{id}',
    method: 'DELETE',
    status: '400',
    why: 'Okta does not say when a delete is a bad request; here a delete always deactivates, deletes or finds no user',
  },
];

const operations: Operation[] = [
  {
    op: 'getUser (by id)',
    path: '/api/v1/users/{id}',
    method: 'GET',
    ok: `/api/v1/users/${alice.oktaId}`,
    success: 200,
    failures: [
      { ...userNotFound, url: `/api/v1/users/${missingUser}` },
      { when: 'the user was deleted', given: [deleteUser(), deleteUser()], url: `/api/v1/users/${subject}`, status: 404 },
    ],
  },
  {
    op: 'getUser (by login)',
    path: '/api/v1/users/{id}',
    method: 'GET',
    ok: `/api/v1/users/${alice.email}`,
    success: 200,
    failures: [{ ...userNotFound, url: '/api/v1/users/nobody@example.com' }],
  },
  {
    op: 'getUser (a generated person)',
    path: '/api/v1/users/{id}',
    method: 'GET',
    ok: `/api/v1/users/${subject}`,
    success: 200,
    failures: [],
  },
  {
    op: 'getUser (a DEPROVISIONED user)',
    path: '/api/v1/users/{id}',
    method: 'GET',
    given: [lifecycle('deactivate')],
    ok: `/api/v1/users/${subject}`,
    success: 200,
    failures: [],
  },
  {
    op: 'getUser (a STAGED user created through the API)',
    path: '/api/v1/users/{id}',
    method: 'GET',
    given: [{ method: 'POST', url: '/api/v1/users?activate=false', body: newUser('staged@example.com') }],
    ok: '/api/v1/users/staged@example.com',
    success: 200,
    failures: [],
  },
  {
    op: 'listUsers (every user)',
    path: '/api/v1/users',
    method: 'GET',
    given: [lifecycle('deactivate')],
    ok: '/api/v1/users',
    success: 200,
    failures: [],
  },
  {
    op: 'listUsers (search by e-mail, ignoring case)',
    path: '/api/v1/users',
    method: 'GET',
    ok: `/api/v1/users?search=${encodeURIComponent(`profile.email eq "${alice.email.toUpperCase()}"`)}`,
    success: 200,
    failures: [],
  },
  {
    op: 'listUserGroups',
    path: '/api/v1/users/{id}/groups',
    method: 'GET',
    given: [addMember(group.id, alice.oktaId)],
    ok: `/api/v1/users/${alice.oktaId}/groups`,
    success: 200,
    failures: [{ ...userNotFound, url: `/api/v1/users/${missingUser}/groups` }],
  },
  {
    op: 'getGroup',
    path: '/api/v1/groups/{groupId}',
    method: 'GET',
    ok: `/api/v1/groups/${group.id}`,
    success: 200,
    failures: [{ when: 'the group does not exist', url: `/api/v1/groups/${missingGroup}`, status: 404 }],
  },
  {
    op: 'listGroupUsers',
    path: '/api/v1/groups/{groupId}/users',
    method: 'GET',
    given: [addMember(group.id, alice.oktaId), addMember(group.id, subject), lifecycle('deactivate')],
    ok: `/api/v1/groups/${group.id}/users`,
    success: 200,
    failures: [
      { when: 'the group does not exist', url: `/api/v1/groups/${missingGroup}/users`, status: 404 },
      {
        when: 'the group was deleted',
        given: [{ method: 'DELETE', url: `/api/v1/groups/${group.id}` }],
        url: `/api/v1/groups/${group.id}/users`,
        status: 404,
      },
    ],
  },
  {
    op: 'assignUserToGroup',
    path: '/api/v1/groups/{groupId}/users/{userId}',
    method: 'PUT',
    ok: `/api/v1/groups/${group.id}/users/${seedPeople.carol.oktaId}`,
    success: 204,
    failures: [
      { ...userNotFound, url: `/api/v1/groups/${group.id}/users/${missingUser}` },
      {
        when: 'the user was deleted',
        given: [deleteUser(), deleteUser()],
        url: `/api/v1/groups/${group.id}/users/${subject}`,
        status: 404,
      },
    ],
  },
  {
    op: 'unassignUserFromGroup',
    path: '/api/v1/groups/{groupId}/users/{userId}',
    method: 'DELETE',
    ok: `/api/v1/groups/${group.id}/users/${seedPeople.dave.oktaId}`,
    success: 204,
    failures: [{ when: 'neither exists', url: `/api/v1/groups/${missingGroup}/users/${missingUser}`, status: 404 }],
  },
  {
    op: 'createUser (activate=true)',
    path: '/api/v1/users',
    method: 'POST',
    ok: '/api/v1/users?activate=true',
    body: newUser('nora@example.com'),
    success: 200,
    failures: [
      { when: 'the login exists', url: '/api/v1/users?activate=true', body: newUser(alice.email), status: 400 },
      { when: 'required attributes are missing', url: '/api/v1/users', body: { profile: { login: 'nora' } }, status: 400 },
    ],
  },
  {
    op: 'createUser (activate=false)',
    path: '/api/v1/users',
    method: 'POST',
    ok: '/api/v1/users?activate=false',
    body: newUser('nora@example.com'),
    success: 200,
    failures: [],
  },
  {
    op: 'deactivateUser',
    path: '/api/v1/users/{id}/lifecycle/deactivate',
    method: 'POST',
    ok: lifecycle('deactivate').url,
    success: 200,
    failures: [
      { ...userNotFound, url: lifecycle('deactivate', missingUser).url },
      { when: 'the user is already DEPROVISIONED', given: [lifecycle('deactivate')], url: lifecycle('deactivate').url, status: 404 },
    ],
  },
  {
    op: 'suspendUser',
    path: '/api/v1/users/{id}/lifecycle/suspend',
    method: 'POST',
    ok: lifecycle('suspend').url,
    success: 200,
    failures: [
      { ...userNotFound, url: lifecycle('suspend', missingUser).url },
      { when: 'the user is not ACTIVE', given: [lifecycle('deactivate')], url: lifecycle('suspend').url, status: 400 },
    ],
  },
  {
    op: 'unsuspendUser',
    path: '/api/v1/users/{id}/lifecycle/unsuspend',
    method: 'POST',
    given: [lifecycle('suspend')],
    ok: lifecycle('unsuspend').url,
    success: 200,
    failures: [
      { ...userNotFound, url: lifecycle('unsuspend', missingUser).url },
      { when: 'the user is not SUSPENDED', url: lifecycle('unsuspend').url, status: 400 },
    ],
  },
  {
    op: 'activateUser (sendEmail=false)',
    path: '/api/v1/users/{id}/lifecycle/activate',
    method: 'POST',
    given: [lifecycle('deactivate')],
    ok: `${lifecycle('activate').url}?sendEmail=false`,
    success: 200,
    failures: [
      { ...userNotFound, url: lifecycle('activate', missingUser).url },
      { when: 'the user is already ACTIVE', url: lifecycle('activate').url, status: 403 },
    ],
  },
  {
    op: 'activateUser (e-mailed)',
    path: '/api/v1/users/{id}/lifecycle/activate',
    method: 'POST',
    given: [{ method: 'POST', url: '/api/v1/users?activate=false', body: newUser('staged@example.com') }],
    ok: '/api/v1/users/staged@example.com/lifecycle/activate',
    success: 200,
    failures: [],
  },
  {
    op: 'deleteUser (an ACTIVE user, deactivated)',
    path: '/api/v1/users/{id}',
    method: 'DELETE',
    ok: deleteUser().url,
    success: 204,
    failures: [
      { ...userNotFound, url: deleteUser(missingUser).url },
      { when: 'the user was deleted', given: [deleteUser(), deleteUser()], url: deleteUser().url, status: 404 },
    ],
  },
  {
    op: 'deleteUser (a DEPROVISIONED user, deleted)',
    path: '/api/v1/users/{id}',
    method: 'DELETE',
    given: [lifecycle('deactivate')],
    ok: deleteUser().url,
    success: 204,
    failures: [],
  },
  {
    op: 'addGroup',
    path: '/api/v1/groups',
    method: 'POST',
    ok: '/api/v1/groups',
    body: { profile: { name: 'conformance-group', description: 'Created by the conformance suite' } },
    success: 200,
    failures: [
      { when: 'the name exists', url: '/api/v1/groups', body: { profile: { name: group.name } }, status: 400 },
      { when: 'the name is missing', url: '/api/v1/groups', body: { profile: {} }, status: 400 },
    ],
  },
  {
    op: 'deleteGroup',
    path: '/api/v1/groups/{groupId}',
    method: 'DELETE',
    given: [addMember(group.id, alice.oktaId)],
    ok: `/api/v1/groups/${group.id}`,
    success: 204,
    failures: [
      { when: 'the group does not exist', url: `/api/v1/groups/${missingGroup}`, status: 404 },
      {
        when: 'the group was deleted',
        given: [{ method: 'DELETE', url: `/api/v1/groups/${group.id}` }],
        url: `/api/v1/groups/${group.id}`,
        status: 404,
      },
    ],
  },
];

describe("Okta simulator against Okta's Management API description", () => {
  let spec: SpecValidator;
  let sim: VendorSim;
  let exhausted: VendorSim;

  beforeAll(async () => {
    spec = new SpecValidator('okta', readSpec('okta-management.yaml'), 'openapi3');
    sim = await startVendorSim({ generatedPeople: 1 });
    exhausted = await startVendorSim({ oktaRateLimitPerMinute: 0 });
  });
  afterAll(async () => {
    await sim?.close();
    await exhausted?.close();
  });
  beforeEach(() => sim.reset());

  /** Sets the scene; every call must succeed, or the case would test something else than it says. */
  async function given(calls: Call[] = []): Promise<void> {
    for (const { method, url, body } of calls) {
      const response = await send(sim, method, url, { headers: auth, body });
      expect({ method, url, succeeded: response.status < 300 }).toEqual({ method, url, succeeded: true });
    }
  }

  function expectConformant(path: string, method: string, response: RawResponse): void {
    const documented = spec.documentedResponse(path, method, response.status, response.status === 401 ? INVALID_TOKEN_401 : undefined);
    if (!documented) {
      throw new Error(
        `${method} ${path} answered ${response.status}, which Okta does not document (${spec.documentedStatuses(path, method).join(', ')})`,
      );
    }
    if (documented.schemaPointer) {
      expect({ source: documented.source, errors: spec.errors(documented.schemaPointer, response.json) }).toEqual({
        source: documented.source,
        errors: [],
      });
    } else {
      expect(response.text).toBe('');
    }
    // Okta sends its rate-limit headers on every management API response.
    for (const header of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) {
      expect(response.headers.get(header)).toMatch(/^\d+$/);
    }
  }

  describe.each(operations)('$op ($method $path)', ({ path, method, given: scene, ok, body, success, failures }) => {
    it(`answers ${success} as documented`, async () => {
      await given(scene);
      const response = await send(sim, method, ok, { headers: auth, body });
      expect(response.status).toBe(success);
      expectConformant(path, method, response);
    });

    if (failures.length > 0) {
      it.each(failures)('answers $status with the documented Error body when $when', async (failure) => {
        await given(failure.given);
        const response = await send(sim, method, failure.url, { headers: auth, body: failure.body });
        expect(response.status).toBe(failure.status);
        expectConformant(path, method, response);
      });
    }

    it('answers 401 with the documented Error body when the token is missing', async () => {
      const response = await send(sim, method, ok, { body });
      expect(response.status).toBe(401);
      expectConformant(path, method, response);
    });

    it('answers 429 with the documented Error body once the budget is spent', async () => {
      const response = await send(exhausted, method, ok, { headers: auth, body });
      expect(response.status).toBe(429);
      expectConformant(path, method, response);
    });
  });

  it('tests every error status Okta documents for each operation, but for 401 and 429 (tested above) and 403 (no permission is missing here)', () => {
    for (const { path, method } of operations) {
      const tested = operations
        .filter((o) => o.path === path && o.method === method)
        .flatMap((o) => o.failures.map((f) => String(f.status)));
      const untested = spec
        .documentedStatuses(path, method)
        .filter((status) => /^[45]/.test(status) && !['401', '403', '429'].includes(status) && !tested.includes(status))
        .filter((status) => !NOT_PRODUCED.some((n) => n.path === path && n.method === method && n.status === status));
      expect({ path, method, untested }).toEqual({ path, method, untested: [] });
    }
  });

  it('has a validator that really rejects bodies breaking the schema', () => {
    expect(spec.errors('/components/schemas/Group', { id: 1, type: 'NOT_A_TYPE' })).toHaveLength(2);
    expect(spec.errors('/components/schemas/User', { profile: { email: 'x', lastLogin: 3 } })).not.toEqual([]);
    expect(spec.errors('/components/schemas/User', { status: 'GONE' })).not.toEqual([]);
  });

  it('finds by e-mail every user with that address, whatever its case, and nobody for an unknown one', async () => {
    const search = (email: string) => `/api/v1/users?search=${encodeURIComponent(`profile.email eq "${email}"`)}`;
    await given([
      {
        method: 'POST',
        url: '/api/v1/users',
        body: { profile: { ...newUser('alice.admin@example.com').profile, email: 'Alice@Example.com' } },
      },
    ]);

    const found = await send(sim, 'GET', search(alice.email), { headers: auth });
    const nobody = await send(sim, 'GET', search('nobody@example.com'), { headers: auth });

    expect((found.json as { profile: { login: string } }[]).map((u) => u.profile.login)).toEqual([alice.email, 'alice.admin@example.com']);
    expect(nobody.json).toEqual([]);
  });

  it('returns users whose profile matches UserProfile, manager fields included', async () => {
    const response = await send(sim, 'GET', `/api/v1/users/${alice.email}`, { headers: auth });
    expect(spec.errors('/components/schemas/UserProfile', (response.json as { profile: unknown }).profile)).toEqual([]);
    expect(response.json).toMatchObject({ profile: { managerId: seedPeople.bob.oktaId } });
  });
});

describe('simulated Okta authorization server against OpenID Connect Discovery 1.0 and RFC 7517', () => {
  let sim: VendorSim;

  beforeAll(async () => {
    sim = await startVendorSim();
  });
  afterAll(() => sim?.close());

  it('publishes every metadata field OIDC Discovery requires, with the issuer it is served under', async () => {
    const response = await send(sim, 'GET', '/oauth2/default/.well-known/openid-configuration');
    const metadata = response.json as Record<string, unknown>;

    expect(response.status).toBe(200);
    for (const field of [
      'issuer',
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'response_types_supported',
      'subject_types_supported',
      'id_token_signing_alg_values_supported',
    ]) {
      expect(metadata).toHaveProperty(field);
    }
    expect(metadata.issuer).toBe(`${sim.url}/oauth2/default`);
    expect(metadata.id_token_signing_alg_values_supported).toContain('RS256');
  });

  it('publishes RSA signing keys with kty, n, e, kid, use and alg', async () => {
    const response = await send(sim, 'GET', '/oauth2/default/v1/keys');
    const { keys } = response.json as { keys: Record<string, unknown>[] };

    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({
        kty: 'RSA',
        use: 'sig',
        alg: 'RS256',
        n: expect.any(String),
        e: expect.any(String),
        kid: expect.any(String),
      });
      expect(key).not.toHaveProperty('d');
    }
  });
});

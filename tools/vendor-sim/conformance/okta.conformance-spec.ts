import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { send, type RawResponse } from './support/http.js';
import { readSpec } from './support/spec-files.js';
import { SpecValidator } from './support/spec-validator.js';

/** Okta documents 401 once for the whole API (bad or missing API token), not per operation. */
const INVALID_TOKEN_401 = '#/components/responses/ErrorInvalidToken401';

const { alice } = seedPeople;
const group = seedGroups.githubAdmin;
const auth = { authorization: 'SSWS conformance-token' };

/** Each operation the simulator serves: its path in Okta's description, a URL that succeeds and one that 404s. */
const operations = [
  {
    op: 'getUser (by id)',
    path: '/api/v1/users/{id}',
    method: 'GET',
    ok: `/api/v1/users/${alice.oktaId}`,
    missing: '/api/v1/users/00unosuchuser0000000',
    success: 200,
  },
  {
    op: 'getUser (by login)',
    path: '/api/v1/users/{id}',
    method: 'GET',
    ok: `/api/v1/users/${alice.email}`,
    missing: '/api/v1/users/nobody@example.com',
    success: 200,
  },
  {
    op: 'listUserGroups',
    path: '/api/v1/users/{id}/groups',
    method: 'GET',
    ok: `/api/v1/users/${alice.oktaId}/groups`,
    missing: '/api/v1/users/00unosuchuser0000000/groups',
    success: 200,
  },
  {
    op: 'getGroup',
    path: '/api/v1/groups/{groupId}',
    method: 'GET',
    ok: `/api/v1/groups/${group.id}`,
    missing: '/api/v1/groups/00gnosuchgroup000000',
    success: 200,
  },
  {
    op: 'listGroupUsers',
    path: '/api/v1/groups/{groupId}/users',
    method: 'GET',
    ok: `/api/v1/groups/${group.id}/users`,
    missing: '/api/v1/groups/00gnosuchgroup000000/users',
    success: 200,
  },
  {
    op: 'assignUserToGroup',
    path: '/api/v1/groups/{groupId}/users/{userId}',
    method: 'PUT',
    ok: `/api/v1/groups/${group.id}/users/${seedPeople.carol.oktaId}`,
    missing: `/api/v1/groups/${group.id}/users/00unosuchuser0000000`,
    success: 204,
  },
  {
    op: 'unassignUserFromGroup',
    path: '/api/v1/groups/{groupId}/users/{userId}',
    method: 'DELETE',
    ok: `/api/v1/groups/${group.id}/users/${seedPeople.dave.oktaId}`,
    missing: '/api/v1/groups/00gnosuchgroup000000/users/00unosuchuser0000000',
    success: 204,
  },
] as const;

describe("Okta simulator against Okta's Management API description", () => {
  let spec: SpecValidator;
  let sim: VendorSim;
  let exhausted: VendorSim;

  beforeAll(async () => {
    spec = new SpecValidator('okta', readSpec('okta-management.yaml'), 'openapi3');
    sim = await startVendorSim();
    exhausted = await startVendorSim({ oktaRateLimitPerMinute: 0 });
    // Give the list operations something to list.
    await send(sim, 'PUT', `/api/v1/groups/${group.id}/users/${alice.oktaId}`, { headers: auth });
  });
  afterAll(async () => {
    await sim?.close();
    await exhausted?.close();
  });

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

  describe.each(operations)('$op ($method $path)', ({ path, method, ok, missing, success }) => {
    it(`answers ${success} as documented`, async () => {
      const response = await send(sim, method, ok, { headers: auth });
      expect(response.status).toBe(success);
      expectConformant(path, method, response);
    });

    it('answers 404 with the documented Error body', async () => {
      const response = await send(sim, method, missing, { headers: auth });
      expect(response.status).toBe(404);
      expectConformant(path, method, response);
    });

    it('answers 401 with the documented Error body when the token is missing', async () => {
      const response = await send(sim, method, ok);
      expect(response.status).toBe(401);
      expectConformant(path, method, response);
    });

    it('answers 429 with the documented Error body once the budget is spent', async () => {
      const response = await send(exhausted, method, ok, { headers: auth });
      expect(response.status).toBe(429);
      expectConformant(path, method, response);
    });
  });

  it('has a validator that really rejects bodies breaking the schema', () => {
    expect(spec.errors('/components/schemas/Group', { id: 1, type: 'NOT_A_TYPE' })).toHaveLength(2);
    expect(spec.errors('/components/schemas/User', { profile: { email: 'x', lastLogin: 3 } })).not.toEqual([]);
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

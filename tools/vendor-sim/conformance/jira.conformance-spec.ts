import { startVendorSim, type VendorSim } from '../src/index.js';
import { send, type RawResponse } from './support/http.js';
import { readSpec } from './support/spec-files.js';
import { SpecValidator } from './support/spec-validator.js';

/** Jira's error body; it documents it for createIssue and sends the same body wherever it lists an error without one. */
const ERROR_COLLECTION = '/components/schemas/ErrorCollection';

const auth = { authorization: `Basic ${Buffer.from('conformance@example.com:api-token').toString('base64')}` };
const adf = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
const newIssue = {
  fields: { project: { key: 'JIT' }, issuetype: { name: 'Task' }, summary: 'Conformance', description: adf('d'), labels: ['jit'] },
};

type Case = {
  name: string;
  method: string;
  url: (key: string) => string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
};

/** Each operation the simulator serves, by its path in Jira's description, with a request per status it answers. */
const operations: { op: string; path: string; method: string; cases: Case[] }[] = [
  {
    op: 'createIssue',
    path: '/rest/api/3/issue',
    method: 'POST',
    cases: [
      { name: 'created', method: 'POST', url: () => '/rest/api/3/issue', body: newIssue, status: 201 },
      { name: 'invalid fields', method: 'POST', url: () => '/rest/api/3/issue', body: { fields: { summary: '' } }, status: 400 },
      { name: 'unauthenticated', method: 'POST', url: () => '/rest/api/3/issue', body: newIssue, headers: {}, status: 401 },
    ],
  },
  {
    op: 'getIssue',
    path: '/rest/api/3/issue/{issueIdOrKey}',
    method: 'GET',
    cases: [
      { name: 'found', method: 'GET', url: (key) => `/rest/api/3/issue/${key}`, status: 200 },
      { name: 'unauthenticated', method: 'GET', url: (key) => `/rest/api/3/issue/${key}`, headers: {}, status: 401 },
      { name: 'unknown issue', method: 'GET', url: () => '/rest/api/3/issue/JIT-9999', status: 404 },
    ],
  },
  {
    op: 'getComments',
    path: '/rest/api/3/issue/{issueIdOrKey}/comment',
    method: 'GET',
    cases: [
      { name: 'listed', method: 'GET', url: (key) => `/rest/api/3/issue/${key}/comment`, status: 200 },
      { name: 'bad paging', method: 'GET', url: (key) => `/rest/api/3/issue/${key}/comment?startAt=-1`, status: 400 },
      { name: 'unauthenticated', method: 'GET', url: (key) => `/rest/api/3/issue/${key}/comment`, headers: {}, status: 401 },
      { name: 'unknown issue', method: 'GET', url: () => '/rest/api/3/issue/JIT-9999/comment', status: 404 },
    ],
  },
  {
    op: 'addComment',
    path: '/rest/api/3/issue/{issueIdOrKey}/comment',
    method: 'POST',
    cases: [
      { name: 'created', method: 'POST', url: (key) => `/rest/api/3/issue/${key}/comment`, body: { body: adf('ok') }, status: 201 },
      { name: 'not ADF', method: 'POST', url: (key) => `/rest/api/3/issue/${key}/comment`, body: { body: 'plain' }, status: 400 },
      {
        name: 'unauthenticated',
        method: 'POST',
        url: (key) => `/rest/api/3/issue/${key}/comment`,
        body: { body: adf('x') },
        headers: {},
        status: 401,
      },
      { name: 'unknown issue', method: 'POST', url: () => '/rest/api/3/issue/JIT-9999/comment', body: { body: adf('x') }, status: 404 },
    ],
  },
  {
    op: 'searchAndReconsileIssuesUsingJql',
    path: '/rest/api/3/search/jql',
    method: 'GET',
    cases: [
      {
        name: 'found',
        method: 'GET',
        url: () => `/rest/api/3/search/jql?jql=${encodeURIComponent('project = JIT AND labels = "jit"')}&fields=summary`,
        status: 200,
      },
      {
        name: 'JQL it cannot parse',
        method: 'GET',
        url: () => `/rest/api/3/search/jql?jql=${encodeURIComponent('summary ~ x')}`,
        status: 400,
      },
      { name: 'unauthenticated', method: 'GET', url: () => '/rest/api/3/search/jql?jql=project%20%3D%20JIT', headers: {}, status: 401 },
    ],
  },
  {
    op: 'searchAndReconsileIssuesUsingJqlPost',
    path: '/rest/api/3/search/jql',
    method: 'POST',
    cases: [
      {
        name: 'found',
        method: 'POST',
        url: () => '/rest/api/3/search/jql',
        body: { jql: 'labels = jit', fields: ['summary', 'status'] },
        status: 200,
      },
      { name: 'no JQL', method: 'POST', url: () => '/rest/api/3/search/jql', body: { maxResults: 5 }, status: 400 },
      {
        name: 'unauthenticated',
        method: 'POST',
        url: () => '/rest/api/3/search/jql',
        body: { jql: 'labels = jit' },
        headers: {},
        status: 401,
      },
    ],
  },
  {
    op: 'getTransitions',
    path: '/rest/api/3/issue/{issueIdOrKey}/transitions',
    method: 'GET',
    cases: [
      { name: 'listed', method: 'GET', url: (key) => `/rest/api/3/issue/${key}/transitions`, status: 200 },
      { name: 'unauthenticated', method: 'GET', url: (key) => `/rest/api/3/issue/${key}/transitions`, headers: {}, status: 401 },
      { name: 'unknown issue', method: 'GET', url: () => '/rest/api/3/issue/JIT-9999/transitions', status: 404 },
    ],
  },
  {
    op: 'doTransition',
    path: '/rest/api/3/issue/{issueIdOrKey}/transitions',
    method: 'POST',
    cases: [
      {
        name: 'transitioned',
        method: 'POST',
        url: (key) => `/rest/api/3/issue/${key}/transitions`,
        body: { transition: { id: '21' } },
        status: 204,
      },
      {
        name: 'unavailable transition',
        method: 'POST',
        url: (key) => `/rest/api/3/issue/${key}/transitions`,
        body: { transition: { id: '99' } },
        status: 400,
      },
      {
        name: 'unauthenticated',
        method: 'POST',
        url: (key) => `/rest/api/3/issue/${key}/transitions`,
        body: { transition: { id: '31' } },
        headers: {},
        status: 401,
      },
      {
        name: 'unknown issue',
        method: 'POST',
        url: () => '/rest/api/3/issue/JIT-9999/transitions',
        body: { transition: { id: '31' } },
        status: 404,
      },
    ],
  },
];

describe("Jira simulator against Jira Cloud's platform REST API v3 description", () => {
  let spec: SpecValidator;
  let sim: VendorSim;
  let key: string;

  beforeAll(async () => {
    spec = new SpecValidator('jira', readSpec('jira-platform-v3.json'), 'openapi3');
    sim = await startVendorSim();
    key = ((await send(sim, 'POST', '/rest/api/3/issue', { headers: auth, body: newIssue })).json as { key: string }).key;
    await send(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { headers: auth, body: { body: adf('first') } });
  });
  afterAll(() => sim?.close());

  function expectConformant(path: string, method: string, response: RawResponse): void {
    const documented = spec.documentedResponse(path, method, response.status);
    if (!documented) {
      throw new Error(
        `${method} ${path} answered ${response.status}, which Jira does not document (${spec.documentedStatuses(path, method).join(', ')})`,
      );
    }
    if (response.status === 204) {
      expect(response.text).toBe('');
      return;
    }
    const pointer = documented.schemaPointer ?? (response.status >= 400 ? ERROR_COLLECTION : undefined);
    if (!pointer) throw new Error(`${documented.source} documents no body, yet the simulator sent one`);
    expect({ source: documented.source, errors: spec.errors(pointer, response.json) }).toEqual({ source: documented.source, errors: [] });
  }

  it('has a validator that really rejects bodies breaking the schema', () => {
    expect(spec.errors(ERROR_COLLECTION, { errorMessages: 'x', extra: 1 })).toHaveLength(2);
  });

  for (const { op, path, method, cases } of operations) {
    describe(`${op} (${method} ${path})`, () => {
      it.each(cases)('answers $status ($name) as documented', async ({ method: verb, url, body, headers, status }) => {
        const response = await send(sim, verb, url(key), { headers: headers ?? auth, body });
        expect(response.status).toBe(status);
        expectConformant(path, method, response);
      });
    });
  }

  it("returns issue fields that match Jira's schemas for those fields", async () => {
    const { json } = await send(sim, 'GET', `/rest/api/3/issue/${key}`, { headers: auth });
    const fields = (json as { fields: Record<string, unknown> }).fields;
    const fieldSchemas: Record<string, string> = {
      status: 'StatusDetails',
      issuetype: 'IssueTypeDetails',
      project: 'ProjectDetails',
      reporter: 'UserDetails',
      creator: 'UserDetails',
      comment: 'PageOfComments',
    };

    for (const [field, schema] of Object.entries(fieldSchemas)) {
      expect({ field, errors: spec.errors(`/components/schemas/${schema}`, fields[field]) }).toEqual({ field, errors: [] });
    }
    expect(fields.description).toEqual(adf('d'));
  });

  it('finds issues by project and label, and only those', async () => {
    const labelled = (label: string) => ({ fields: { ...newIssue.fields, labels: [label] } });
    const { json: wanted } = await send(sim, 'POST', '/rest/api/3/issue', { headers: auth, body: labelled('jit-request-1') });
    await send(sim, 'POST', '/rest/api/3/issue', { headers: auth, body: labelled('jit-request-2') });
    const { json } = await send(sim, 'POST', '/rest/api/3/search/jql', {
      headers: auth,
      body: { jql: 'project = JIT AND labels = "jit-request-1"' },
    });

    expect((json as { issues: { key: string }[] }).issues.map((issue) => issue.key)).toEqual([(wanted as { key: string }).key]);
  });

  it('returns a resolution matching Resolution once the issue is done', async () => {
    await send(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, { headers: auth, body: { transition: { id: '31' } } });
    const { json } = await send(sim, 'GET', `/rest/api/3/issue/${key}`, { headers: auth });
    const { resolution } = (json as { fields: { resolution: unknown } }).fields;

    expect(resolution).toMatchObject({ name: 'Done' });
    expect(spec.errors('/components/schemas/Resolution', resolution)).toEqual([]);
  });
});

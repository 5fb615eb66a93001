import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { shapeMismatches } from './support/fixture-shape.js';
import { send, type RawResponse } from './support/http.js';
import { applySlackErrata } from './support/slack-errata.js';
import { readSpec, specsDir } from './support/spec-files.js';
import { SpecValidator } from './support/spec-validator.js';

const { bob } = seedPeople;
const dm = `D${bob.slackId.slice(1)}`;
const bearer = { authorization: 'Bearer xoxb-conformance' };
const blocks = [
  { type: 'section', text: { type: 'mrkdwn', text: '*alice* asks for *github-admin*' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [{ type: 'button', action_id: 'approve', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: 'r1' }],
  },
];

/** Message metadata like the approval service's: which notice a message was posted for. */
const metadata = { event_type: 'jit_notice', event_payload: { request_id: 'r1', notice_id: '1' } };

/** A deny-reason modal like the approval service opens. */
const modal = {
  type: 'modal',
  callback_id: 'deny_reason',
  private_metadata: 'r1:0',
  title: { type: 'plain_text', text: 'Deny the request' },
  submit: { type: 'plain_text', text: 'Deny' },
  blocks: [
    {
      type: 'input',
      block_id: 'reason',
      label: { type: 'plain_text', text: 'Why?' },
      element: { type: 'plain_text_input', action_id: 'reason' },
    },
  ],
};

type Call = { name: string; args: Record<string, string>; headers?: Record<string, string>; ok: boolean; error?: string };

/** Each Web API method the simulator serves, with calls covering its success and the errors it answers. */
const methods: { method: string; calls: Call[] }[] = [
  {
    method: 'users.lookupByEmail',
    calls: [
      { name: 'found', args: { email: bob.email }, ok: true },
      { name: 'unknown e-mail', args: { email: 'nobody@example.com' }, ok: false, error: 'users_not_found' },
      { name: 'bad token', args: { email: bob.email }, headers: { authorization: 'Bearer nope' }, ok: false, error: 'invalid_auth' },
      { name: 'no token', args: { email: bob.email }, headers: {}, ok: false, error: 'not_authed' },
    ],
  },
  {
    method: 'users.info',
    calls: [
      { name: 'found', args: { user: bob.slackId }, ok: true },
      { name: 'unknown user', args: { user: 'U0NOBODY000' }, ok: false, error: 'user_not_found' },
      { name: 'bad token', args: { user: bob.slackId }, headers: { authorization: 'Bearer nope' }, ok: false, error: 'invalid_auth' },
    ],
  },
  {
    method: 'conversations.open',
    calls: [
      { name: 'opened', args: { users: bob.slackId }, ok: true },
      { name: 'already open, full IM', args: { users: bob.slackId, return_im: 'true' }, ok: true },
      { name: 'unknown user', args: { users: 'U0NOBODY000' }, ok: false, error: 'user_not_found' },
      { name: 'no users', args: {}, ok: false, error: 'users_list_not_supplied' },
      { name: 'no token', args: { users: bob.slackId }, headers: {}, ok: false, error: 'not_authed' },
    ],
  },
  {
    method: 'chat.postMessage',
    calls: [
      { name: 'posted with blocks', args: { channel: dm, text: 'Approval needed', blocks: JSON.stringify(blocks) }, ok: true },
      { name: 'posted to a member id', args: { channel: bob.slackId, text: 'Hello' }, ok: true },
      { name: 'posted with metadata', args: { channel: dm, text: 'Noted', metadata: JSON.stringify(metadata) }, ok: true },
      {
        name: 'metadata without a payload',
        args: { channel: dm, text: 'x', metadata: JSON.stringify({ event_type: 'jit_notice' }) },
        ok: false,
        error: 'invalid_metadata_format',
      },
      { name: 'unknown channel', args: { channel: 'C0NOSUCH000', text: 'x' }, ok: false, error: 'channel_not_found' },
      { name: 'no text', args: { channel: dm }, ok: false, error: 'no_text' },
      { name: 'bad token', args: { channel: dm, text: 'x' }, headers: { authorization: 'Bearer nope' }, ok: false, error: 'invalid_auth' },
    ],
  },
  {
    method: 'chat.update',
    calls: [
      { name: 'updated', args: { channel: dm, ts: '<first-ts>', text: 'Approved', blocks: JSON.stringify(blocks.slice(0, 1)) }, ok: true },
      { name: 'unknown message', args: { channel: dm, ts: '1234567890.000001', text: 'x' }, ok: false, error: 'message_not_found' },
      {
        name: 'unknown channel',
        args: { channel: 'C0NOSUCH000', ts: '1234567890.000001', text: 'x' },
        ok: false,
        error: 'channel_not_found',
      },
      {
        name: 'bad token',
        args: { channel: dm, ts: '1234567890.000001', text: 'x' },
        headers: { authorization: 'Bearer nope' },
        ok: false,
        error: 'invalid_auth',
      },
    ],
  },
  {
    method: 'conversations.history',
    calls: [
      { name: 'listed with metadata', args: { channel: dm, include_all_metadata: 'true' }, ok: true },
      { name: 'one page of one, with a cursor to the next', args: { channel: dm, limit: '1' }, ok: true },
      { name: 'the next page', args: { channel: dm, limit: '1', cursor: '<second-page>' }, ok: true },
      { name: 'from the first message on, inclusive', args: { channel: dm, oldest: '<first-ts>', inclusive: 'true' }, ok: true },
      { name: 'nothing newer than now', args: { channel: dm, oldest: '9999999999' }, ok: true },
      { name: 'unknown channel', args: { channel: 'C0NOSUCH000' }, ok: false, error: 'channel_not_found' },
      { name: 'bad oldest', args: { channel: dm, oldest: 'yesterday' }, ok: false, error: 'invalid_ts_oldest' },
      { name: 'bad latest', args: { channel: dm, latest: '-1' }, ok: false, error: 'invalid_ts_latest' },
      { name: 'bad cursor', args: { channel: dm, cursor: 'bm9wZQ==' }, ok: false, error: 'invalid_cursor' },
      { name: 'no token', args: { channel: dm }, headers: {}, ok: false, error: 'not_authed' },
    ],
  },
  {
    method: 'views.open',
    calls: [
      { name: 'opened', args: { trigger_id: '12345.98765.abcd', view: JSON.stringify(modal) }, ok: true },
      {
        name: 'trigger used twice',
        args: { trigger_id: '12345.98765.abcd', view: JSON.stringify(modal) },
        ok: false,
        error: 'exchanged_trigger_id',
      },
      { name: 'no view', args: { trigger_id: '12345.98765.efgh' }, ok: false, error: 'invalid_arguments' },
      {
        name: 'not a modal',
        args: { trigger_id: '12345.98765.ijkl', view: JSON.stringify({ ...modal, type: 'home' }) },
        ok: false,
        error: 'invalid_arguments',
      },
      {
        name: 'bad token',
        args: { trigger_id: '12345.98765.mnop', view: JSON.stringify(modal) },
        headers: { authorization: 'Bearer nope' },
        ok: false,
        error: 'invalid_auth',
      },
    ],
  },
];

/**
 * The Java SDK's response fixture for a method (field names and nesting only); for a method it has
 * none of, the example response of Slack's own Web API description.
 */
function fixtureOf(method: string): unknown {
  if (method === 'conversations.history') return historyFixture();
  const file = resolve(specsDir(), 'slack-samples', `${method}.response.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  return documentedExamples(method);
}

/** The examples of Slack's own Web API description for a method, success and error merged. */
function documentedExamples(method: string): Record<string, unknown> {
  // The validator's copy of the description is converted in place; this one is read afresh.
  type Documented = { paths: Record<string, { get: { responses: Record<string, { examples?: Record<string, unknown> }> } }> };
  const { responses } = (readSpec('slack-web-api.json') as Documented).paths[`/${method}`].get;
  return Object.assign({}, ...Object.values(responses).map((r) => r.examples?.['application/json'] ?? {}));
}

/**
 * The fixtures have no `conversations.history`: its description's examples, whose messages are
 * shown as the fixtures show a posted and an updated message (metadata included, as
 * `include_all_metadata` asks).
 */
function historyFixture(): unknown {
  const message = (method: string) => (fixtureOf(method) as { message: unknown }).message;
  return {
    ...documentedExamples('conversations.history'),
    channel_actions_ts: null,
    channel_actions_count: 0,
    messages: [message('chat.postMessage'), message('chat.update')],
  };
}

/** Metadata's `event_payload` is the app's own object (the fixtures show it empty): its keys are not Slack's shape. */
function withEmptyPayloads(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json), (key, value: unknown) => (key === 'event_payload' ? {} : value));
}

describe("Slack simulator against Slack's Web API description and response fixtures", () => {
  let spec: SpecValidator;
  let sim: VendorSim;
  let firstTs: string;
  let secondPage: string;

  beforeAll(async () => {
    const document = readSpec('slack-web-api.json');
    applySlackErrata(document);
    spec = new SpecValidator('slack', document, 'swagger2');
    sim = await startVendorSim();
    const posted = await send(sim, 'POST', '/api/chat.postMessage', { headers: bearer, form: { channel: dm, text: 'first' } });
    firstTs = (posted.json as { ts: string }).ts;
    await send(sim, 'POST', '/api/chat.postMessage', { headers: bearer, form: { channel: dm, text: 'second' } });
    const paged = await send(sim, 'POST', '/api/conversations.history', { headers: bearer, form: { channel: dm, limit: '1' } });
    secondPage = (paged.json as { response_metadata: { next_cursor: string } }).response_metadata.next_cursor;
  });
  afterAll(() => sim?.close());

  function expectConformant(method: string, response: RawResponse): void {
    const path = `/${method}`;
    const [verb] = spec.methodsOf(path);
    // Slack documents the success body under 200 and every error body, whatever the HTTP status, under `default`.
    const documented = spec.documentedResponse(path, verb, (response.json as { ok: boolean }).ok ? 200 : 'default');
    expect(documented?.schemaPointer).toBeDefined();
    expect({ method, errors: spec.errors(documented!.schemaPointer!, response.json) }).toEqual({ method, errors: [] });
    const shape = shapeMismatches(withEmptyPayloads(response.json), fixtureOf(method));
    expect({ method, mismatches: shape }).toEqual({ method, mismatches: [] });
  }

  it('has a validator that really rejects bodies breaking the schema', () => {
    expect(spec.errors('/definitions/objs_user', { id: 'lowercase', name: 'x' })).not.toEqual([]);
    expect(shapeMismatches({ ok: true, user: { nickname: 'x' } }, fixtureOf('users.info'))).toEqual([
      '.user.nickname is not in the fixture',
    ]);
  });

  for (const { method, calls } of methods) {
    describe(method, () => {
      it.each(calls)('answers $name as documented', async ({ args, headers, ok, error }) => {
        const placeholders: Record<string, string> = { '<first-ts>': firstTs, '<second-page>': secondPage };
        const form = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, placeholders[v] ?? v]));
        const response = await send(sim, 'POST', `/api/${method}`, { headers: headers ?? bearer, form });

        expect(response.status).toBe(200);
        expect(response.json).toMatchObject(ok ? { ok: true } : { ok: false, error });
        expectConformant(method, response);
      });
    });
  }

  it('answers a rate-limit fault with HTTP 429, Retry-After and the documented error body', async () => {
    sim.addFault({ vendor: 'slack', path: '/api/chat.postMessage', status: 429, count: 1 });
    const response = await send(sim, 'POST', '/api/chat.postMessage', { headers: bearer, form: { channel: dm, text: 'x' } });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expectConformant('chat.postMessage', response);
  });
});

import { jetstreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { ManualClock, createEvent, type ApprovalPolicy } from '@jit/events';
import { eventsOf, publish, waitFor } from '@jit/events/testing';
import { ApiKeyStore } from '@jit/platform';
import { startApprovalTestBed, type ApprovalTestBed } from './support/test-bed.js';

const demoKey = 'approval-keys-int-test-demo-key';
const alice = 'alice@example.com';
const bob = 'bob@example.com';
const bobDecides: ApprovalPolicy = { kind: 'stages', stages: [{ kind: 'users', users: [bob] }] };

describe('decisions through API keys (real NATS, Postgres and the Okta simulator)', () => {
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  let bed: ApprovalTestBed;
  let store: ApiKeyStore;

  beforeAll(async () => {
    bed = await startApprovalTestBed({
      apiKey: demoKey,
      oktaToken: 'approval-keys-int-test-okta-token',
      clock,
      template: {
        application: { id: 'github-admin', name: 'GitHub admin', oktaGroupId: '00g1githubadmin00003', owners: ['carol@example.com'] },
        durationSeconds: 3600,
        justification: 'INC-1234 hotfix',
      },
    });
    store = bed.service.app.get(ApiKeyStore);
  });

  afterAll(() => bed.close());

  /** Publishes alice's request as intake would when `keyName` asked for it on her behalf, and waits for its approval to open. */
  async function requestedThrough(keyName: string): Promise<string> {
    const requestId = randomUUID();
    const event = createEvent(
      {
        type: 'requested',
        data: {
          requester: alice,
          application: { id: 'github-admin', name: 'GitHub admin', oktaGroupId: '00g1githubadmin00003', owners: [], approval: bobDecides },
          durationSeconds: 3600,
          justification: 'INC-1234 hotfix',
        },
      },
      { requestId, actor: alice, via: { kind: 'api_key', name: keyName } },
      clock,
    );
    await publish(bed.nc, bed.service.topology, event);
    // Published, not only outboxed: a refusal is then measured against a stream nothing else is still adding to.
    await waitFor(async () => (await eventsOf(bed.nc, bed.service.topology, 'approval_opened', requestId)).length === 1, {
      timeoutMs: 30_000,
      what: 'the approval opened and published',
    });
    return requestId;
  }

  async function streamLength(): Promise<number> {
    return (await (await jetstreamManager(bed.nc)).streams.info(bed.service.topology.stream)).state.messages;
  }

  async function decideWith(secret: string, requestId: string, as: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${bed.service.url}/v1/approvals/${requestId}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'on-behalf-of': as, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    });
    return { status: response.status, body: await response.json() };
  }

  it('a key that asked for a request cannot approve it for the approver (403), and nothing is published', async () => {
    const requestId = await requestedThrough('demo');
    const before = await streamLength();

    const refused = await decideWith(demoKey, requestId, bob);

    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('API key "demo" asked for this request and can never decide it, whoever it acts for');
    expect(await bed.outboxed(requestId)).toEqual(['approval_opened']);
    expect(await streamLength()).toBe(before);
  });

  it('another key approves for the approver, and the approval names both the person and the key', async () => {
    const requestId = await requestedThrough('demo');
    const { secret } = await store.create(
      { name: 'approvals-bot', owner: 'ops@example.com', scopes: ['approvals:decide', 'requests:on-behalf'] },
      'test',
      new Date(),
    );

    expect((await decideWith(secret, requestId, bob)).status).toBe(200);

    const [approved] = await waitFor(
      async () => {
        const found = await eventsOf(bed.nc, bed.service.topology, 'approved', requestId);
        return found.length > 0 && found;
      },
      { timeoutMs: 30_000, what: 'the approval published' },
    );
    expect(approved).toMatchObject({ actor: bob, via: { kind: 'api_key', name: 'approvals-bot' }, data: { approver: bob, final: true } });
  });

  it('a key without approvals:decide is refused with 403 naming the scope, and nothing is published', async () => {
    const requestId = await requestedThrough('portal');
    const { secret } = await store.create(
      { name: 'requests-only', owner: 'ops@example.com', scopes: ['requests:create', 'requests:on-behalf'] },
      'test',
      new Date(),
    );
    const before = await streamLength();

    const refused = await decideWith(secret, requestId, bob);

    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden', details: { scope: 'approvals:decide' } } } });
    expect(refused.body.error.message).toContain('needs scope approvals:decide');
    expect(await bed.outboxed(requestId)).toEqual(['approval_opened']);
    expect(await streamLength()).toBe(before);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, createEvent, type AccessEvent } from '@jit/events';
import { eventsOf, publish, waitFor } from '@jit/events/testing';
import { ApiKeyStore } from '@jit/platform';
import { policySnapshotOf, readCatalog } from '@jit/catalog';
import { seedGroups, seedPeople } from '../../../tools/vendor-sim/src/index.js';
import { startApprovalTestBed, type ApprovalTestBed } from './support/test-bed.js';

const apiKey = 'approval-dry-run-test-demo-key';
const oktaToken = 'approval-dry-run-test-okta-token';
const { alice, bob, carol, dave } = seedPeople;
/** The group standing for on-call engineers in these tests: alice is added to it. */
const oncall = seedGroups.githubAdmin.id;
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];

const application = (id: string, extra: Record<string, unknown>) => ({
  id,
  name: id,
  oktaGroupId: seedGroups.demoSandbox.id,
  owners: [carol.email],
  minDuration: '1m',
  maxDuration: '4h',
  approval: 'manager',
  ...extra,
});

/** One application per rule type, and one with a two-of-three stage. */
const catalogFile = join(mkdtempSync(join(tmpdir(), 'jit-dry-run-')), 'catalog.json');
writeFileSync(
  catalogFile,
  JSON.stringify({
    applications: [
      application('oncall-console', { rules: [{ name: 'on-call engineers', approve: { requesterInGroup: oncall } }] }),
      application('short-fixes', { rules: [{ name: 'short fixes', approve: { durationAtMost: '15m' } }] }),
      application('tokyo-office', {
        rules: [
          { name: 'tokyo office hours', approve: { within: { days: weekdays, from: '09:00', to: '17:00', timeZone: 'Asia/Tokyo' } } },
        ],
      }),
      application('change-freeze', {
        rules: [
          {
            name: 'london working hours only',
            deny: { outside: { days: weekdays, from: '09:00', to: '17:00', timeZone: 'Europe/London' } },
          },
        ],
      }),
      application('staff-only', { rules: [{ name: 'on-call only', deny: { requesterNotInGroup: oncall } }] }),
      application('two-of-three', { approval: { stages: [{ approvers: [bob.email, carol.email, dave.email], required: 2 }] } }),
    ],
  }),
);

describe('the policy dry run and the rules it shows (real NATS, Postgres and the Okta simulator; clock injected)', () => {
  // A Monday: 10:00 in London, 19:00 in Tokyo.
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  let bed: ApprovalTestBed;

  beforeAll(async () => {
    bed = await startApprovalTestBed({
      apiKey,
      oktaToken,
      clock,
      env: { CATALOG_FILE: catalogFile },
      template: {
        application: { id: 'oncall-console', name: 'oncall-console', oktaGroupId: seedGroups.demoSandbox.id, owners: [carol.email] },
        durationSeconds: 3600,
        justification: 'INC-3',
      },
    });
    const added = await fetch(`${bed.sim.url}/api/v1/groups/${oncall}/users/${alice.oktaId}`, {
      method: 'PUT',
      headers: { authorization: `SSWS ${oktaToken}` },
    });
    expect(added.status).toBe(204);
  });

  afterAll(() => bed.close());

  async function dryRun(body: Record<string, unknown>, as?: string): Promise<{ status: number; body: any }> {
    const response = await bed.call('POST', '/v1/policy/dry-run', { body, ...(as ? { as } : {}) });
    return { status: response.status, body: await response.json() };
  }

  it.each([
    ['a requester in the Okta group', 'oncall-console', alice.email, '1h', { name: 'on-call engineers', effect: 'approve' }, 'approved'],
    // dave has no manager in the directory: outside the group, the manager stage has nobody to ask.
    ['a requester outside the Okta group', 'oncall-console', dave.email, '1h', null, 'denied'],
    ['a duration within the bound', 'short-fixes', alice.email, '15m', { name: 'short fixes', effect: 'approve' }, 'approved'],
    ['a duration past the bound', 'short-fixes', alice.email, '16m', null, 'pending'],
    ['a time outside the window in its own time zone (19:00 in Tokyo)', 'tokyo-office', alice.email, '1h', null, 'pending'],
    ['a time inside the London window', 'change-freeze', alice.email, '1h', null, 'pending'],
    ['a requester outside the allowed group', 'staff-only', dave.email, '1h', { name: 'on-call only', effect: 'deny' }, 'denied'],
  ])('answers for %s: which rule fires and the outcome', async (_, applicationId, requester, duration, rule, outcome) => {
    const answer = await dryRun({ applicationId, duration, requester });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ applicationId, requester, rule, outcome, at: '2026-03-02T10:00:00.000Z' });
    if (rule === null) {
      expect(answer.body.stages).toEqual([
        { stage: 0, source: 'manager', approvers: requester === alice.email ? [bob.email] : [], required: 1 },
      ]);
    }
  });

  it('answers by the injected clock: inside the Tokyo window at 01:00 UTC, and denied outside London hours at 22:00 UTC', async () => {
    clock.set('2026-03-02T01:00:00.000Z');
    expect((await dryRun({ applicationId: 'tokyo-office', duration: '1h', requester: alice.email })).body).toMatchObject({
      rule: { name: 'tokyo office hours', effect: 'approve' },
      outcome: 'approved',
    });
    clock.set('2026-03-02T22:00:00.000Z');
    expect((await dryRun({ applicationId: 'change-freeze', duration: '1h', requester: alice.email })).body).toMatchObject({
      rule: { name: 'london working hours only', effect: 'deny' },
      outcome: 'denied',
      reason: 'rule',
    });
    clock.set('2026-03-02T10:00:00.000Z');
  });

  it('names who would approve a two-of-three stage, and how many must', async () => {
    const answer = await dryRun({ applicationId: 'two-of-three', duration: '1h', requester: alice.email });

    expect(answer.body).toMatchObject({
      rule: null,
      outcome: 'pending',
      stages: [{ stage: 0, source: 'users', approvers: [bob.email, carol.email, dave.email], required: 2 }],
    });
  });

  it('a real request meets the rule the dry run named: the group is asked of Okta and the approval names the rule', async () => {
    const catalog = readCatalog(catalogFile);
    const event = createEvent(
      {
        type: 'requested',
        data: {
          requester: alice.email,
          application: policySnapshotOf(catalog.find('oncall-console')!),
          durationSeconds: 3600,
          justification: 'INC-3',
        },
      },
      { requestId: crypto.randomUUID(), actor: alice.email },
      clock,
    );
    await publish(bed.nc, bed.service.topology, event);

    const approved = await waitFor(async () => (await eventsOf(bed.nc, bed.service.topology, 'approved', event.requestId))[0], {
      what: 'the approval by rule',
    });
    expect(approved.data).toEqual({ stage: 0, approver: 'policy:rule', final: true, rule: 'on-call engineers' });
    const [opened] = await eventsOf(bed.nc, bed.service.topology, 'approval_opened', event.requestId);
    expect((opened as AccessEvent<'approval_opened'>).data).toEqual({ stages: [], rule: 'on-call engineers' });
  });

  describe('refusals publish nothing', () => {
    async function outboxSize(): Promise<number> {
      return Number((await bed.db.query(`SELECT count(*) AS n FROM approval.outbox`)).rows[0].n);
    }

    it("refuses a signed-in person asking about someone else's request (403 naming requester), and answers for their own", async () => {
      const before = await outboxSize();
      const token = (await bed.sim.mintToken({ sub: alice.email })).access_token;
      const post = (body: unknown) =>
        fetch(`${bed.service.url}/v1/policy/dry-run`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      const refused = await post({ applicationId: 'short-fixes', duration: '1h', requester: dave.email });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as any).error.message).toMatch(/^requester: alice@example.com may dry-run only their own requests/);
      const own = await post({ applicationId: 'short-fixes', duration: '10m' });
      expect(own.status).toBe(200);
      expect(await own.json()).toMatchObject({ requester: alice.email, outcome: 'approved' });
      expect(await outboxSize()).toBe(before);
    });

    it('refuses an API key without scope admin (403 naming it)', async () => {
      const { secret } = await bed.service.app
        .get(ApiKeyStore)
        .create({ name: 'dry-run-reader', owner: 'ops@example.com', scopes: ['requests:read'] }, 'test', new Date());
      const response = await fetch(`${bed.service.url}/v1/policy/dry-run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ applicationId: 'short-fixes', duration: '10m', requester: alice.email }),
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as any).error.message).toMatch(/needs scope admin/);
    });

    it.each([
      [{ applicationId: 'no-such-app', duration: '1h', requester: 'alice@example.com' }, /^applicationId: unknown application/],
      [{ applicationId: 'short-fixes', duration: 'soon', requester: 'alice@example.com' }, /^duration: expected/],
      [{ applicationId: 'short-fixes', duration: '5h', requester: 'alice@example.com' }, /^duration: 5h is out of bounds/],
      [{ applicationId: 'short-fixes', duration: '1h', requester: 'not a login' }, /^requester:/],
      [{ applicationId: 'short-fixes', duration: '1h' }, /^requester: required when an API key acts as itself/],
    ])('answers 400 naming the field for %j', async (body, message) => {
      const before = await outboxSize();
      const answer = await dryRun(body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(message);
      expect(await outboxSize()).toBe(before);
    });
  });
});

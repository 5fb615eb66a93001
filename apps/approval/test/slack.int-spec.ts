import { createHmac } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import { ManualClock, type AccessEvent } from '@jit/events';
import { eventsOf, waitFor } from '@jit/events/testing';
import type { SlackMessage, VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { startApprovalTestBed, type ApprovalTestBed } from './support/test-bed.js';

const apiKey = 'approval-slack-test-demo-key';
const oktaToken = 'approval-slack-test-okta-token';
const slackToken = 'xoxb-approval-slack-test';
const signingSecret = 'approval-slack-test-signing-secret';
const alice = 'alice@example.com';
const bob = 'bob@example.com';
const carol = 'carol@example.com';
const dave = 'dave@example.com';
const slackIds = { alice: 'U0ALICE0001', bob: 'U0BOB000002', carol: 'U0CAROL0003', dave: 'U0DAVE00004' };

interface Button {
  action_id: string;
  value: string;
}

describe('Slack approvals (real NATS, Postgres and the Slack and Okta simulator)', () => {
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  let bed: ApprovalTestBed;
  let sim: VendorSim;
  let service: ApprovalTestBed['service'];
  let nc: NatsConnection;
  let db: pg.Client;
  let request: ApprovalTestBed['request'];
  let decide: ApprovalTestBed['decide'];
  let outboxed: ApprovalTestBed['outboxed'];
  let expectPublished: ApprovalTestBed['expectPublished'];

  beforeAll(async () => {
    bed = await startApprovalTestBed({
      apiKey,
      oktaToken,
      clock,
      sim: { slackToken },
      env: { SLACK_BOT_TOKEN: slackToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_NOTIFY_TICK_MS: '50' },
      // Two hours of the AWS production console.
      template: {
        application: { id: 'aws-prod-console', name: 'AWS production console', oktaGroupId: '00g1awsprodconsole02', owners: [carol] },
        durationSeconds: 7200,
        justification: 'INC-4242 <restore> the billing job',
      },
    });
    ({ sim, service, nc, db, request, decide, outboxed, expectPublished } = bed);
  });

  afterAll(() => bed.close());

  /** Posts to the interactivity endpoint exactly as Slack does: a form with a `payload` field, signed with `v0`. */
  async function slackPost(payload: unknown, options: { secret?: string; ageSeconds?: number } = {}) {
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const timestamp = Math.floor(clock.now().getTime() / 1000) - (options.ageSeconds ?? 0);
    const signature = `v0=${createHmac('sha256', options.secret ?? signingSecret)
      .update(`v0:${timestamp}:${body}`)
      .digest('hex')}`;
    const response = await fetch(`${service.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
      },
      body,
    });
    return { status: response.status, body: await response.text() };
  }

  /**
   * A `block_actions` payload for a click on one of an approval message's buttons: the button's own value when the
   * message is given, else one naming `stage` (0 unless told) of the request.
   */
  function click(slackUserId: string, actionId: 'approve' | 'deny', requestId: string, message?: SlackMessage, stage = 0) {
    const value = (message && buttonsOf(message).find((b) => b.action_id === actionId)?.value) ?? `${requestId}:${stage}`;
    return {
      type: 'block_actions',
      team: { id: 'T0JITDEMO01', domain: 'jit-demo' },
      user: { id: slackUserId, username: slackUserId.toLowerCase(), team_id: 'T0JITDEMO01' },
      api_app_id: 'A0JITAPP001',
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: message?.ts ?? '1.000001', channel_id: message?.channel ?? 'D0NONE', is_ephemeral: false },
      channel: { id: message?.channel ?? 'D0NONE', name: 'directmessage' },
      message: { type: 'message', ts: message?.ts ?? '1.000001', text: message?.text ?? '', blocks: message?.blocks ?? [] },
      response_url: 'https://hooks.slack.invalid/actions/T0JITDEMO01/1/abc',
      actions: [
        {
          action_id: actionId,
          block_id: 'decision',
          value,
          type: 'button',
          action_ts: '1772445600.000001',
          text: { type: 'plain_text', text: actionId },
        },
      ],
    };
  }

  function buttonsOf(message: SlackMessage): Button[] {
    const blocks = (message.blocks ?? []) as { type: string; elements?: Button[] }[];
    return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  }

  /** The approval message a person was sent about a request. */
  function askOf(email: string, requestId: string): Promise<SlackMessage> {
    return waitFor(() => sim.slackMessages(email).find((m) => JSON.stringify(m.blocks ?? []).includes(requestId)), {
      what: `the approval message ${email} was sent about ${requestId}`,
    });
  }

  /** Texts the app sent a member, by e-mail or Slack member id. */
  function textsTo(emailOrMemberId: string): string[] {
    return sim.slackMessages(emailOrMemberId).map((m) => m.text);
  }

  /** Waits until a member was told something naming the request and containing `words`. */
  async function toldAbout(emailOrMemberId: string, requestId: string, words: string): Promise<void> {
    await waitFor(() => textsTo(emailOrMemberId).some((t) => t.includes(requestId) && t.includes(words)), {
      what: `${emailOrMemberId} to be told "${words}" about ${requestId}`,
    });
  }

  /** Calls Okta's Management API of the simulator as an administrator would. */
  async function oktaAdmin(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${sim.url}/api/v1${path}`, {
      method,
      headers: { authorization: `SSWS ${oktaToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return response;
  }

  /** Creates an active Okta user (the simulator gives them a Slack member with the same e-mail) and returns that member's id. */
  async function newPerson(login: string, email = login): Promise<string> {
    await oktaAdmin('POST', '/users?activate=true', { profile: { firstName: 'New', lastName: 'Person', login, email } });
    const found = await fetch(`${sim.url}/api/users.lookupByEmail?email=${encodeURIComponent(email)}`, {
      headers: { authorization: `Bearer ${slackToken}` },
    });
    return ((await found.json()) as { user: { id: string } }).user.id;
  }

  async function stateOf(requestId: string): Promise<string | undefined> {
    const { rows } = await db.query(`SELECT state FROM approval.approvals WHERE request_id = $1`, [requestId]);
    return rows[0]?.state as string | undefined;
  }

  async function finalApproval(requestId: string): Promise<AccessEvent<'approved'>> {
    return waitFor(async () => (await eventsOf(nc, service.topology, 'approved', requestId)).find((e) => e.data.final), {
      what: `the final approval of ${requestId}`,
    });
  }

  it("asks the requester's manager in a Slack DM, with Approve and Deny buttons carrying the request id and the stage", async () => {
    const requested = await request({ kind: 'manager' });

    const ask = await askOf(bob, requested.requestId);

    expect(ask.channel).toBe('D0BOB000002');
    expect(buttonsOf(ask)).toEqual([
      expect.objectContaining({ action_id: 'approve', value: `${requested.requestId}:0` }),
      expect.objectContaining({ action_id: 'deny', value: `${requested.requestId}:0` }),
    ]);
    const text = JSON.stringify(ask.blocks);
    expect(text).toContain(alice);
    expect(text).toContain('AWS production console');
    expect(text).toContain('2h');
    expect(text).toContain('INC-4242 &lt;restore&gt; the billing job');
  });

  it('approves on a signed Approve click from the manager, replaces the buttons with the outcome and tells the requester', async () => {
    const requested = await request({ kind: 'manager' });
    const ask = await askOf(bob, requested.requestId);

    const answer = await slackPost(click(slackIds.bob, 'approve', requested.requestId, ask));

    expect(answer.status).toBe(200);
    const approved = await finalApproval(requested.requestId);
    expect(approved).toMatchObject({ actor: bob, via: { kind: 'slack' }, data: { stage: 0, approver: bob, final: true } });
    const updated = await waitFor(() => sim.slackMessages(bob).find((m) => m.ts === ask.ts && m.edited), { what: "bob's message updated" });
    expect(buttonsOf(updated)).toEqual([]);
    expect(JSON.stringify(updated.blocks)).toContain(`Approved by ${bob}`);
    await waitFor(() => textsTo(alice).includes(`Your request for AWS production console (2h) was approved by ${bob}`), {
      what: 'alice to be told',
    });
  });

  it('rejects a click signed with the wrong secret or older than 5 minutes (401), and nothing changes', async () => {
    const requested = await request({ kind: 'manager' });
    await askOf(bob, requested.requestId);

    const forged = await slackPost(click(slackIds.bob, 'approve', requested.requestId), { secret: 'not-the-signing-secret' });
    const replayed = await slackPost(click(slackIds.bob, 'approve', requested.requestId), { ageSeconds: 6 * 60 });
    const unsigned = await fetch(`${service.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `payload=${encodeURIComponent(JSON.stringify(click(slackIds.bob, 'approve', requested.requestId)))}`,
    });

    expect([forged.status, replayed.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(await stateOf(requested.requestId)).toBe('pending');
    expect(await outboxed(requested.requestId)).toEqual(['approval_opened']);
  });

  it('refuses the requester approving her own request from Slack, publishes nothing and tells her why', async () => {
    const requested = await request({ kind: 'manager' });
    await askOf(bob, requested.requestId);

    const answer = await slackPost(click(slackIds.alice, 'approve', requested.requestId));

    expect(answer.status).toBe(200);
    expect(await stateOf(requested.requestId)).toBe('pending');
    expect(await outboxed(requested.requestId)).toEqual(['approval_opened']);
    await waitFor(
      () => textsTo(alice).some((t) => t.includes(requested.requestId) && t.includes('a requester can never decide on their own request')),
      { what: 'alice to be told why' },
    );
  });

  it('refuses a click from someone who is not an approver of the request, and publishes nothing', async () => {
    const requested = await request({ kind: 'manager' });
    await askOf(bob, requested.requestId);

    const answer = await slackPost(click(slackIds.dave, 'approve', requested.requestId));

    expect(answer.status).toBe(200);
    expect(await outboxed(requested.requestId)).toEqual(['approval_opened']);
    await waitFor(() => textsTo(dave).some((t) => t.includes(requested.requestId) && t.includes('no approval is known for this request')), {
      what: 'dave to be told why',
    });
  });

  /** The deny form's submission as Slack posts it: the view the click opened, with the reason typed in. */
  function submission(slackUserId: string, view: { private_metadata?: unknown }, reason: string) {
    return {
      type: 'view_submission',
      team: { id: 'T0JITDEMO01', domain: 'jit-demo' },
      user: { id: slackUserId, username: slackUserId.toLowerCase(), team_id: 'T0JITDEMO01' },
      api_app_id: 'A0JITAPP001',
      view: { ...view, callback_id: 'deny_reason', state: { values: { reason: { reason: { type: 'plain_text_input', value: reason } } } } },
    };
  }

  it('asks the next stage once the first approves; a Deny click there asks for the reason in a form, whose submission denies and tells the requester', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] });
    const first = await askOf(bob, requested.requestId);
    expect(sim.slackMessages(carol).some((m) => JSON.stringify(m.blocks ?? []).includes(requested.requestId))).toBe(false);

    expect((await slackPost(click(slackIds.bob, 'approve', requested.requestId, first))).status).toBe(200);
    const second = await askOf(carol, requested.requestId);
    expect(JSON.stringify(second.blocks)).toContain('Stage 2 of 2');
    await waitFor(() => sim.slackMessages(bob).find((m) => m.ts === first.ts && buttonsOf(m).length === 0), {
      what: "bob's buttons replaced",
    });
    const views = sim.slackViews().length;
    expect(
      (await slackPost({ ...click(slackIds.carol, 'deny', requested.requestId, second), trigger_id: `deny-${requested.requestId}` }))
        .status,
    ).toBe(200);

    const form = sim.slackViews()[views];
    expect(form).toMatchObject({
      triggerId: `deny-${requested.requestId}`,
      view: { type: 'modal', callback_id: 'deny_reason', private_metadata: `${requested.requestId}:1` },
    });
    expect(await eventsOf(nc, service.topology, 'denied', requested.requestId)).toEqual([]);
    expect((await slackPost(submission(slackIds.carol, form.view, 'not during the freeze'))).status).toBe(200);

    const [denial] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'denied', requested.requestId);
        return found.length === 1 && found;
      },
      { what: 'the denial' },
    );
    expect(denial).toMatchObject({
      actor: carol,
      via: { kind: 'slack' },
      data: { by: carol, reason: 'denied_by_approver', comment: 'not during the freeze' },
    });
    const denied = await waitFor(() => sim.slackMessages(carol).find((m) => m.ts === second.ts && buttonsOf(m).length === 0), {
      what: "carol's buttons replaced",
    });
    expect(JSON.stringify(denied.blocks)).toContain(`Denied by ${carol}`);
    expect(JSON.stringify(denied.blocks)).toContain('not during the freeze');
    await waitFor(
      () => textsTo(alice).includes(`Your request for AWS production console (2h) was denied by ${carol}: not during the freeze`),
      {
        what: 'alice to be told',
      },
    );
  });

  it('a Deny click denies without a reason when Slack cannot open the form', async () => {
    const requested = await request({ kind: 'manager' });
    const ask = await askOf(bob, requested.requestId);
    sim.addFault({ vendor: 'slack', path: '/api/views.open', status: 503, count: 1 });

    expect(
      (await slackPost({ ...click(slackIds.bob, 'deny', requested.requestId, ask), trigger_id: `deny-${requested.requestId}` })).status,
    ).toBe(200);

    const [denial] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'denied', requested.requestId);
        return found.length === 1 && found;
      },
      { what: 'the denial' },
    );
    expect(denial.data).toEqual({ by: bob, reason: 'denied_by_approver' });
  });

  it("updates the approver's message when the request is decided on the web", async () => {
    const requested = await request({ kind: 'manager' });
    const ask = await askOf(bob, requested.requestId);

    const response = await decide(requested.requestId, bob, 'approve');

    expect(response.status).toBe(200);
    await waitFor(() => sim.slackMessages(bob).find((m) => m.ts === ask.ts && buttonsOf(m).length === 0), {
      what: "bob's buttons replaced",
    });
  });

  it('a Slack outage delays the DM but never the approval: the request is approved meanwhile and the DM arrives after retries', async () => {
    // Earlier tests' notices still in flight would take the injected failures.
    await waitFor(async () => (await db.query(`SELECT 1 FROM approval.notifications WHERE state = 'pending'`)).rowCount === 0, {
      what: 'earlier notices to be sent',
    });
    sim.addFault({ vendor: 'slack', path: '/api/chat.postMessage', status: 503, count: 2 });
    const requested = await request({ kind: 'manager' });
    await waitFor(async () => (await stateOf(requested.requestId)) === 'pending', { what: 'the approval to open' });

    const response = await decide(requested.requestId, bob, 'approve');

    expect(response.status).toBe(200);
    await finalApproval(requested.requestId);
    const ask = await askOf(bob, requested.requestId);
    expect(sim.faults()).toEqual([]);
    const asked = await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT attempts, state FROM approval.notifications WHERE request_id = $1 AND notice->>'kind' = 'ask' AND state <> 'pending'`,
          [requested.requestId],
        );
        return rows.length > 0 && rows;
      },
      { what: 'the question to be recorded as sent' },
    );
    expect(asked).toEqual([{ attempts: 3, state: 'sent' }]);
    // The outcome waits for the question it answers, so the late DM still ends up showing it.
    await waitFor(() => sim.slackMessages(bob).find((m) => m.ts === ask.ts && buttonsOf(m).length === 0), {
      what: "bob's buttons replaced",
    });
    await waitFor(() => textsTo(alice).includes(`Your request for AWS production console (2h) was approved by ${bob}`), {
      what: 'alice to be told',
    });
  });

  it('never lets Carol@ approve from Slack the request she made, though carol@ owns the application, and publishes nothing', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'owners' }] }, 'Carol@Example.com', { owners: [carol, dave] });
    await askOf(dave, requested.requestId);

    const answer = await slackPost(click(slackIds.carol, 'approve', requested.requestId));

    expect(answer.status).toBe(200);
    await toldAbout(carol, requested.requestId, 'a requester can never decide on their own request');
    expect(await stateOf(requested.requestId)).toBe('pending');
    await expectPublished(requested.requestId, ['approval_opened']);
  });

  it('a manager who is also an owner approves one stage from Slack: not asked for the second, and a click for it is refused', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] }, alice, { owners: [bob, carol] });
    const first = await askOf(bob, requested.requestId);
    expect((await slackPost(click(slackIds.bob, 'approve', requested.requestId, first))).status).toBe(200);
    await askOf(carol, requested.requestId);

    expect((await slackPost(click(slackIds.bob, 'approve', requested.requestId, undefined, 1))).status).toBe(200);

    await toldAbout(
      bob,
      requested.requestId,
      `already approved stage 0 of this request and one person approves one stage: stage 1 needs someone else (${carol})`,
    );
    const asks = sim.slackMessages(bob).filter((m) => JSON.stringify(m.blocks ?? []).includes(requested.requestId));
    expect(asks).toHaveLength(1);
    expect(await stateOf(requested.requestId)).toBe('pending');
    await expectPublished(requested.requestId, ['approval_opened', 'approved']);
  });

  it('an old button for a stage that is no longer current changes nothing and says so, though its clicker approves the next stage', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'users', users: [bob, dave] }, { kind: 'owners' }] }, alice, {
      owners: [carol, dave],
    });
    const bobs = await askOf(bob, requested.requestId);
    const davesFirst = await askOf(dave, requested.requestId);
    expect((await slackPost(click(slackIds.bob, 'approve', requested.requestId, bobs))).status).toBe(200);
    await waitFor(
      () => sim.slackMessages(dave).filter((m) => JSON.stringify(m.blocks ?? []).includes(`${requested.requestId}:1`)).length === 1,
      {
        what: 'dave to be asked about stage 2',
      },
    );

    expect((await slackPost(click(slackIds.dave, 'approve', requested.requestId, davesFirst))).status).toBe(200);

    await toldAbout(
      dave,
      requested.requestId,
      'the answer was for stage 0, which is no longer open: stage 1 is waiting; nothing was changed',
    );
    await expectPublished(requested.requestId, ['approval_opened', 'approved']);
  });

  it('a double click is answered as already decided, and one approval is published', async () => {
    const requested = await request({ kind: 'manager' });
    const ask = await askOf(bob, requested.requestId);

    const answers = [
      await slackPost(click(slackIds.bob, 'approve', requested.requestId, ask)),
      await slackPost(click(slackIds.bob, 'approve', requested.requestId, ask)),
    ];

    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await toldAbout(bob, requested.requestId, 'You already approved stage 0 of request');
    await expectPublished(requested.requestId, ['approval_opened', 'approved']);
  });

  it('a button from before buttons named their stage decides nothing and says so', async () => {
    const requested = await request({ kind: 'manager' });
    await askOf(bob, requested.requestId);
    const legacy = click(slackIds.bob, 'approve', requested.requestId);
    legacy.actions[0].value = requested.requestId;

    expect((await slackPost(legacy)).status).toBe(200);

    await toldAbout(bob, requested.requestId, 'does not say which stage it answers');
    await expectPublished(requested.requestId, ['approval_opened']);
  });

  it("an approver's message says a 20-second grant in seconds, as every duration reads", async () => {
    const requested = await request({ kind: 'manager' }, undefined, undefined, 20);
    const ask = await askOf(bob, requested.requestId);

    expect(ask.text).toBe('alice@example.com asks for AWS production console (20s): approve or deny?');
    expect(JSON.stringify(ask.blocks)).toContain('for *20s*');
  });

  it('refuses a click whose timestamp is more than a minute in the future (401), and publishes nothing; a little clock skew passes', async () => {
    const requested = await request({ kind: 'manager' });
    const ask = await askOf(bob, requested.requestId);

    const future = await slackPost(click(slackIds.bob, 'approve', requested.requestId, ask), { ageSeconds: -120 });

    expect(future.status).toBe(401);
    // The skew reads as every duration does (formatDuration), not `60 s`.
    expect(JSON.parse(future.body).error.message).toBe("the request's timestamp is more than 1m in the future");
    expect(await stateOf(requested.requestId)).toBe('pending');
    await expectPublished(requested.requestId, ['approval_opened']);
    const skewed = await slackPost(click(slackIds.bob, 'approve', requested.requestId, ask), { ageSeconds: -30 });
    expect(skewed.status).toBe(200);
    await finalApproval(requested.requestId);
  });

  it('a Slack member is the one directory person with their e-mail, even when that person logs in under another login', async () => {
    const erin = await newPerson('erin@example.com', 'erin.e@corp.example');
    const requested = await request({ kind: 'stages', stages: [{ kind: 'users', users: ['erin@example.com'] }] });
    await waitFor(async () => (await stateOf(requested.requestId)) === 'pending', { what: 'the approval to open' });

    expect((await slackPost(click(erin, 'approve', requested.requestId))).status).toBe(200);

    const approved = await finalApproval(requested.requestId);
    expect(approved).toMatchObject({ actor: 'erin@example.com', data: { approver: 'erin@example.com' } });
  });

  it('a Slack member whose e-mail no directory person has decides nothing and is told why', async () => {
    const frank = await newPerson('frank@example.com');
    await oktaAdmin('DELETE', '/users/frank@example.com');
    await oktaAdmin('DELETE', '/users/frank@example.com');
    const requested = await request({ kind: 'stages', stages: [{ kind: 'users', users: ['frank@example.com'] }] });
    await waitFor(async () => (await stateOf(requested.requestId)) === 'pending', { what: 'the approval to open' });

    expect((await slackPost(click(frank, 'approve', requested.requestId))).status).toBe(200);

    await toldAbout(frank, requested.requestId, 'nobody in the directory has your Slack e-mail address (frank@example.com)');
    await expectPublished(requested.requestId, ['approval_opened']);
  });

  it('a click while the directory cannot say who the member is decides nothing and asks to try again', async () => {
    const requested = await request({ kind: 'manager' });
    const ask = await askOf(bob, requested.requestId);
    const outage = sim.addFault({ vendor: 'okta', method: 'GET', path: '/api/v1/users', status: 503, count: 4 });

    expect((await slackPost(click(slackIds.bob, 'approve', requested.requestId, ask))).status).toBe(200);

    await toldAbout(bob, requested.requestId, 'the directory cannot be reached to tell who you are; please try again shortly');
    expect(sim.faults().find((f) => f.id === outage.id)).toBeUndefined();
    expect(await stateOf(requested.requestId)).toBe('pending');
    await expectPublished(requested.requestId, ['approval_opened']);
  });

  // Last: the second account with dave's address stays in the simulator's directory.
  it('a Slack member whose e-mail several directory people share decides nothing and is told why', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'users', users: [dave] }] });
    await askOf(dave, requested.requestId);
    await newPerson('dave.admin@example.com', 'Dave@Example.com');

    expect((await slackPost(click(slackIds.dave, 'approve', requested.requestId))).status).toBe(200);

    await toldAbout(slackIds.dave, requested.requestId, '2 people in the directory share your Slack e-mail address (dave@example.com)');
    expect(await stateOf(requested.requestId)).toBe('pending');
    await expectPublished(requested.requestId, ['approval_opened']);
  });
});

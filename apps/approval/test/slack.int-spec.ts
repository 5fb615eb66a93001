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
    ({ sim, service, nc, db, request, decide, outboxed } = bed);
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

  /** A `block_actions` payload for a click on one of an approval message's buttons. */
  function click(slackUserId: string, actionId: 'approve' | 'deny', requestId: string, message?: SlackMessage) {
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
          value: requestId,
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

  function textsTo(email: string): string[] {
    return sim.slackMessages(email).map((m) => m.text);
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

  it("asks the requester's manager in a Slack DM, with Approve and Deny buttons carrying the request id", async () => {
    const requested = await request({ kind: 'manager' });

    const ask = await askOf(bob, requested.requestId);

    expect(ask.channel).toBe('D0BOB000002');
    expect(buttonsOf(ask)).toEqual([
      expect.objectContaining({ action_id: 'approve', value: requested.requestId }),
      expect.objectContaining({ action_id: 'deny', value: requested.requestId }),
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
    await waitFor(() => textsTo('dave@example.com').some((t) => t.includes('is not an approver')), { what: 'dave to be told why' });
  });

  it('asks the next stage once the first approves, and a Deny click there denies the request and tells the requester', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] });
    const first = await askOf(bob, requested.requestId);
    expect(sim.slackMessages(carol).some((m) => JSON.stringify(m.blocks ?? []).includes(requested.requestId))).toBe(false);

    expect((await slackPost(click(slackIds.bob, 'approve', requested.requestId, first))).status).toBe(200);
    const second = await askOf(carol, requested.requestId);
    expect(JSON.stringify(second.blocks)).toContain('Stage 2 of 2');
    await waitFor(() => sim.slackMessages(bob).find((m) => m.ts === first.ts && buttonsOf(m).length === 0), {
      what: "bob's buttons replaced",
    });
    expect((await slackPost(click(slackIds.carol, 'deny', requested.requestId, second))).status).toBe(200);

    await waitFor(async () => (await eventsOf(nc, service.topology, 'denied', requested.requestId)).length === 1, { what: 'the denial' });
    const denied = await waitFor(() => sim.slackMessages(carol).find((m) => m.ts === second.ts && buttonsOf(m).length === 0), {
      what: "carol's buttons replaced",
    });
    expect(JSON.stringify(denied.blocks)).toContain(`Denied by ${carol}`);
    await waitFor(() => textsTo(alice).includes(`Your request for AWS production console (2h) was denied by ${carol}`), {
      what: 'alice to be told',
    });
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
});

import { createHmac } from 'node:crypto';
import type pg from 'pg';
import { ManualClock, createEvent, type AccessEvent, type EventDraft } from '@jit/events';
import { eventsOf, publish, waitFor } from '@jit/events/testing';
import type { SlackMessage, VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { startApprovalTestBed, type ApprovalTestBed } from './support/test-bed.js';

const apiKey = 'approval-notices-test-demo-key';
const oktaToken = 'approval-notices-test-okta-token';
const slackToken = 'xoxb-approval-notices-test';
const alice = 'alice@example.com';
const bob = 'bob@example.com';
const carol = 'carol@example.com';

describe("the requester is told of her access's life in Slack (real NATS, Postgres and the Slack simulator; clock injected)", () => {
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  let bed: ApprovalTestBed;
  let sim: VendorSim;
  let db: pg.Client;

  beforeAll(async () => {
    bed = await startApprovalTestBed({
      apiKey,
      oktaToken,
      clock,
      sim: { slackToken },
      env: { SLACK_BOT_TOKEN: slackToken, SLACK_SIGNING_SECRET: 'approval-notices-test-secret', SLACK_NOTIFY_TICK_MS: '50' },
      // One minute of the demo sandbox, warned 30 seconds before it ends.
      template: {
        application: {
          id: 'demo-sandbox',
          name: 'Demo sandbox',
          oktaGroupId: '00g1demosandbox00001',
          owners: [carol],
          preExpiryNoticeSeconds: 30,
        },
        durationSeconds: 60,
        justification: 'INC-7 try the demo',
      },
    });
    ({ sim, db } = bed);
  });

  afterAll(() => bed.close());

  /** Publishes an event of the request's life as the provisioner would. */
  async function report<T extends AccessEvent['type']>(requestId: string, draft: EventDraft<T>): Promise<void> {
    await publish(bed.nc, bed.service.topology, createEvent(draft, { requestId, actor: 'service:provisioner' }, clock) as AccessEvent);
  }

  function granted(requestId: string, requester = alice): EventDraft<'granted'> {
    const now = clock.now();
    return {
      type: 'granted',
      data: {
        requester,
        applicationId: 'demo-sandbox',
        oktaGroupId: '00g1demosandbox00001',
        oktaUserId: '00u1alice',
        grantedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 60_000).toISOString(),
        ticketKey: 'JIT-1',
        membership: 'added',
      },
    };
  }

  function revoked(reason: 'expired' | 'relinquished' = 'expired'): EventDraft<'revoked'> {
    return { type: 'revoked', data: { reason, revokedAt: clock.now().toISOString() } };
  }

  /** What the app told a member about a request, oldest first. */
  function toldAbout(email: string, requestId: string): SlackMessage[] {
    return sim.slackMessages(email).filter((m) => m.text.includes(requestId) || JSON.stringify(m.blocks ?? []).includes(requestId));
  }

  async function waitForTold(email: string, requestId: string, words: string): Promise<SlackMessage> {
    return waitFor(() => toldAbout(email, requestId).find((m) => m.text.includes(words)), {
      what: `${email} to be told "${words}" about ${requestId}`,
    });
  }

  async function noNoticePending(): Promise<void> {
    await waitFor(async () => (await db.query(`SELECT 1 FROM approval.notifications WHERE state = 'pending'`)).rowCount === 0, {
      what: 'every notice to be sent',
    });
  }

  function approvedOf(requestId: string): Promise<AccessEvent<'approved'>> {
    return waitFor(async () => (await eventsOf(bed.nc, bed.service.topology, 'approved', requestId)).find((e) => e.data.final), {
      what: `the final approval of ${requestId}`,
    });
  }

  function buttonsOf(message: SlackMessage): { action_id: string; value: string }[] {
    const blocks = (message.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[];
    return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  }

  it('a 1-minute grant tells alice of the grant with its expiry, warns her before it ends and tells her it ended, in order and once each', async () => {
    const requested = await bed.request({ kind: 'auto' });
    const id = requested.requestId;
    await approvedOf(id);

    await report(id, granted(id));
    const grant = await waitForTold(alice, id, 'is granted until');
    expect(grant.text).toBe(`Your access to Demo sandbox is granted until 2 Mar 2026, 10:01 GMT; Jira issue JIT-1. (request ${id})`);
    await noNoticePending();
    expect(toldAbout(alice, id).filter((m) => m.text.includes('ends at'))).toEqual([]);

    clock.advance(31_000);
    const warning = await waitForTold(alice, id, 'ends at');
    expect(warning.text).toContain('Your access to Demo sandbox ends at 2 Mar 2026, 10:01 GMT.');

    clock.advance(30_000);
    await report(id, { type: 'expired', data: { expiresAt: '2026-03-02T10:01:00.000Z' } });
    await report(id, revoked());
    await waitForTold(alice, id, 'has ended');
    await noNoticePending();

    expect(toldAbout(alice, id).map((m) => m.text)).toEqual([
      `Your access to Demo sandbox is granted until 2 Mar 2026, 10:01 GMT; Jira issue JIT-1. (request ${id})`,
      expect.stringContaining('ends at 2 Mar 2026, 10:01 GMT'),
      `Your access to Demo sandbox has ended at 2 Mar 2026, 10:01 GMT: its time was up. (request ${id})`,
    ]);
  });

  it('a requester in Tokyo is told the expiry of her grant in Tokyo time, as her Slack profile says', async () => {
    const requested = await bed.request({ kind: 'auto' }, carol);
    const id = requested.requestId;
    await approvedOf(id);

    await report(id, granted(id, carol));

    const grant = await waitForTold(carol, id, 'is granted until');
    // The injected clock reads a few minutes past 10:00 UTC: 19:0x in Tokyo (UTC+9, no summer time).
    expect(grant.text).toMatch(/^Your access to Demo sandbox is granted until 2 Mar 2026, 19:0\d GMT\+9; Jira issue JIT-1\./);
  });

  it("a two-approver request where bob decides: carol's message shows who approved and when, then the grant, and has no buttons", async () => {
    const requested = await bed.request({ kind: 'stages', stages: [{ kind: 'users', users: [bob, carol] }] });
    const id = requested.requestId;
    const asked = await waitFor(() => toldAbout(carol, id).find((m) => buttonsOf(m).length === 2), { what: 'carol to be asked' });
    await waitFor(() => toldAbout(bob, id).find((m) => buttonsOf(m).length === 2), { what: 'bob to be asked' });

    expect((await bed.decide(id, bob, 'approve')).status).toBe(200);

    const decided = await waitFor(() => toldAbout(carol, id).find((m) => m.ts === asked.ts && m.edited), {
      what: "carol's message updated",
    });
    expect(buttonsOf(decided)).toEqual([]);
    expect(decided.text).toContain(`Approved by ${bob} at 2 Mar 2026,`);
    await report(id, granted(id));
    const shown = await waitFor(() => toldAbout(carol, id).find((m) => m.ts === asked.ts && m.text.includes('access granted until')), {
      what: "carol's message to show the grant",
    });
    expect(buttonsOf(shown)).toEqual([]);
    expect(toldAbout(carol, id)).toHaveLength(1);
  });

  it('a Slack outage during a whole lifecycle changes nothing but the messages, which arrive once Slack is back, once each', async () => {
    await noNoticePending();
    sim.addFault({ vendor: 'slack', path: '/api/*', status: 503 });
    const requested = await bed.request({ kind: 'manager' });
    const id = requested.requestId;

    await waitFor(async () => (await db.query(`SELECT 1 FROM approval.approvals WHERE request_id = $1`, [id])).rowCount === 1, {
      what: 'the approval to open',
    });
    expect((await bed.decide(id, bob, 'approve')).status).toBe(200);
    await approvedOf(id);
    await report(id, granted(id));
    clock.advance(31_000);
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM approval.reminders WHERE request_id = $1 AND state = 'fired'`, [id])).rowCount === 1,
      { what: 'the pre-expiry notice to fall due' },
    );
    await report(id, revoked('relinquished'));
    await waitFor(
      async () =>
        (await db.query(`SELECT access->>'state' AS state FROM approval.approvals WHERE request_id = $1`, [id])).rows[0]?.state === 'ended',
      { what: 'the approval to know the access ended' },
    );
    expect(toldAbout(alice, id)).toEqual([]);
    expect(toldAbout(bob, id)).toEqual([]);

    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });

    await waitForTold(alice, id, 'has ended');
    await noNoticePending();
    expect(toldAbout(alice, id).map((m) => m.text)).toEqual([
      expect.stringContaining('is granted until'),
      expect.stringContaining('ends at'),
      expect.stringContaining(': you gave it back.'),
    ]);
    const [ask] = toldAbout(bob, id);
    expect(toldAbout(bob, id)).toHaveLength(1);
    expect(buttonsOf(ask)).toEqual([]);
    expect(ask.text).toContain('access granted until');
    expect((await eventsOf(bed.nc, bed.service.topology, 'approved', id)).map((e) => e.data.approver)).toEqual([bob]);
  });

  /**
   * Makes the transaction recording a notice of the request that contains `shape` as sent fail once:
   * Slack has taken the message and the relay dies before it knows. A sequence counts the attempts
   * because it is not rolled back with the failed transaction.
   */
  async function failRecordingOnce(requestId: string, shape: Record<string, unknown>): Promise<void> {
    const name = `fail_${Object.values(shape).join('_')}_${requestId.replaceAll('-', '')}`;
    await db.query(`CREATE SEQUENCE approval.${name}`);
    await db.query(
      `CREATE OR REPLACE FUNCTION approval.fail_recording_once() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF nextval(TG_ARGV[0]::regclass) = 1 THEN RAISE EXCEPTION 'the relay died before recording notice %', NEW.id; END IF;
         RETURN NEW;
       END $$`,
    );
    await db.query(
      `CREATE TRIGGER ${name} BEFORE UPDATE ON approval.notifications FOR EACH ROW
       WHEN (NEW.state = 'sent' AND NEW.request_id = '${requestId}' AND NEW.notice @> '${JSON.stringify(shape)}')
       EXECUTE FUNCTION approval.fail_recording_once('approval.${name}')`,
    );
  }

  /** Waits until the notice's recording failed (it is still pending, under the lease of its first claim), then lets the lease run out. */
  async function expireLeaseAfterFailedRecording(requestId: string, shape: Record<string, unknown>): Promise<void> {
    const { id } = await waitFor(
      async () =>
        (
          await db.query(
            `SELECT id FROM approval.notifications
             WHERE request_id = $1 AND notice @> $2 AND state = 'pending' AND first_claimed_at IS NOT NULL AND next_attempt_at > now()`,
            [requestId, JSON.stringify(shape)],
          )
        ).rows[0] as { id: string } | undefined,
      { what: `the ${JSON.stringify(shape)} notice of ${requestId} to stay pending after Slack took it` },
    );
    await db.query(`UPDATE approval.notifications SET next_attempt_at = now() WHERE id = $1`, [id]);
  }

  it('a message Slack took before the relay could record it is found in the DM by its metadata and recorded, never posted twice', async () => {
    const requested = await bed.request({ kind: 'manager' });
    const id = requested.requestId;
    const question = { kind: 'ask' };
    const grant = { kind: 'tell', keep: true };
    await failRecordingOnce(id, question);
    await failRecordingOnce(id, grant);

    const asked = await waitFor(() => toldAbout(bob, id)[0], { what: 'bob to be asked' });
    await expireLeaseAfterFailedRecording(id, question);
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM approval.chat_messages WHERE request_id = $1 AND stage = 0`, [id])).rowCount === 1,
      {
        what: "bob's question to be recorded",
      },
    );
    expect((await bed.decide(id, bob, 'approve')).status).toBe(200);
    await approvedOf(id);
    await report(id, granted(id));
    await waitForTold(alice, id, 'is granted until');
    await expireLeaseAfterFailedRecording(id, grant);
    await noNoticePending();

    // The question is filed under the message Slack has, so the decision rewrote it in place.
    expect(toldAbout(bob, id)).toEqual([expect.objectContaining({ ts: asked.ts, edited: expect.anything() })]);
    expect(toldAbout(bob, id)[0].text).toContain('access granted until');
    const grants = toldAbout(alice, id).filter((m) => m.text.includes('is granted until'));
    expect(grants).toHaveLength(1);
    expect(grants[0].metadata).toEqual({ event_type: 'jit_notice', event_payload: { request_id: id, notice_id: expect.any(String) } });
    const { rows } = await db.query(`SELECT channel, ts FROM approval.chat_messages WHERE request_id = $1 AND stage = -1`, [id]);
    expect(rows).toEqual([{ channel: grants[0].channel, ts: grants[0].ts }]);
  });

  it('a notice never claimed before is posted without looking in the DM first', async () => {
    await noNoticePending();
    const requested = await bed.request({ kind: 'auto' });
    const id = requested.requestId;
    await approvedOf(id);
    await noNoticePending();
    sim.addFault({ vendor: 'slack', path: '/api/conversations.history', status: 500, count: 1 });

    await report(id, granted(id));
    await waitForTold(alice, id, 'is granted until');
    await noNoticePending();

    expect(sim.faults()).toEqual([expect.objectContaining({ path: '/api/conversations.history', remaining: 1 })]);
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
  });

  /** Posts a click on a message's button exactly as Slack does: a signed form with the `block_actions` payload. */
  async function clickAs(slackUserId: string, message: SlackMessage, actionId: string): Promise<number> {
    const button = buttonsOf(message).find((b) => b.action_id === actionId)!;
    const payload = {
      type: 'block_actions',
      user: { id: slackUserId },
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel },
      actions: [{ action_id: button.action_id, value: button.value, type: 'button' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const signature = `v0=${createHmac('sha256', 'approval-notices-test-secret').update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const response = await fetch(`${bed.service.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
      },
      body,
    });
    return response.status;
  }

  it('an extension beyond what alice may give herself asks every approver in Slack; bob approves it there and carol sees it answered', async () => {
    const requested = await bed.request({ kind: 'stages', stages: [{ kind: 'users', users: [bob, carol] }] }, alice, {
      maxTotalSeconds: 600,
    });
    const id = requested.requestId;
    await waitFor(() => toldAbout(bob, id).length === 1, { what: 'bob to be asked' });
    expect((await bed.decide(id, carol, 'approve')).status).toBe(200);
    await report(id, granted(id));
    await waitForTold(alice, id, 'is granted until');

    await report(id, { type: 'extension_requested', data: { by: alice, durationSeconds: 120, justification: 'INC-7 two more minutes' } });

    const question = await waitFor(() => toldAbout(bob, id).find((m) => buttonsOf(m).some((b) => b.value === `${id}:e0`)), {
      what: 'bob to be asked about the extension',
    });
    expect(question.text).toContain(`${alice} asks to extend Demo sandbox (2m)`);
    const carolsQuestion = await waitFor(() => toldAbout(carol, id).find((m) => buttonsOf(m).some((b) => b.value === `${id}:e0`)), {
      what: 'carol to be asked about the extension',
    });
    expect(await clickAs('U0BOB000002', question, 'approve')).toBe(200);

    const approved = await waitFor(async () => (await eventsOf(bed.nc, bed.service.topology, 'extension_approved', id))[0], {
      what: 'the extension approved',
    });
    expect(approved).toMatchObject({ actor: bob, via: { kind: 'slack' }, data: { by: bob, durationSeconds: 120 } });
    const answered = await waitFor(() => toldAbout(carol, id).find((m) => m.ts === carolsQuestion.ts && m.edited), {
      what: "carol's question answered",
    });
    expect(buttonsOf(answered)).toEqual([]);
    expect(answered.text).toContain(`Extension approved by ${bob} at`);
  });

  it('an extension denied on the web tells alice who denied it and why', async () => {
    const requested = await bed.request({ kind: 'manager' }, alice, { maxTotalSeconds: 600 });
    const id = requested.requestId;
    await waitFor(() => toldAbout(bob, id).length === 1, { what: 'bob to be asked' });
    expect((await bed.decide(id, bob, 'approve')).status).toBe(200);
    await report(id, granted(id));
    await report(id, { type: 'extension_requested', data: { by: alice, durationSeconds: 120, justification: 'INC-7 more' } });
    await waitFor(() => toldAbout(bob, id).length === 2, { what: 'bob to be asked about the extension' });

    expect((await bed.decide(id, bob, 'deny', 'hand over to the night shift')).status).toBe(200);

    await waitForTold(alice, id, `Your request to extend Demo sandbox by 2m was denied by ${bob}: hand over to the night shift.`);
    expect((await eventsOf(bed.nc, bed.service.topology, 'extension_denied', id)).map((e) => e.data)).toEqual([
      { by: bob, comment: 'hand over to the night shift' },
    ]);
  });

  it("honours Slack's Retry-After for the person's channel: the 429'd message and the next ones to her wait for it, then arrive once each", async () => {
    const requested = await bed.request({ kind: 'auto' });
    const id = requested.requestId;
    await approvedOf(id);
    await noNoticePending();
    sim.addFault({ vendor: 'slack', path: '/api/chat.postMessage', status: 429, count: 1 });

    await report(id, granted(id));
    await waitFor(() => sim.faults().length === 0, { what: 'the 429' });
    const limitedAt = Date.now();
    clock.advance(31_000);

    const grant = await waitForTold(alice, id, 'is granted until');
    const warning = await waitForTold(alice, id, 'ends at');
    // The simulator answers the 429 with Retry-After: 1; Slack's ts is the time it took the message.
    expect(Number(grant.ts) * 1000).toBeGreaterThanOrEqual(limitedAt + 900);
    expect(Number(warning.ts)).toBeGreaterThan(Number(grant.ts));
    // Slack has the warning before the relay records it (it posts with no transaction open, then records).
    const rows = await waitFor(
      async () => {
        const { rows: notices } = await db.query(
          `SELECT recipient, attempts, state FROM approval.notifications WHERE request_id = $1 AND notice->>'kind' = 'tell' ORDER BY id`,
          [id],
        );
        return notices.every((notice: { state: string }) => notice.state !== 'pending') && notices;
      },
      { what: "alice's notices recorded" },
    );
    expect(rows).toEqual([
      { recipient: alice, attempts: 1, state: 'sent' },
      { recipient: alice, attempts: 2, state: 'sent' },
      { recipient: alice, attempts: 1, state: 'sent' },
    ]);
  });
});

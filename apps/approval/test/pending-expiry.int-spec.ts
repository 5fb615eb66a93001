import type pg from 'pg';
import { ManualClock, type AccessEvent } from '@jit/events';
import { eventsOf, waitFor } from '@jit/events/testing';
import type { SlackMessage, VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { startApprovalTestBed, type ApprovalTestBed } from './support/test-bed.js';

const alice = 'alice@example.com';
const bob = 'bob@example.com';
const carol = 'carol@example.com';
const dave = 'dave@example.com';

describe('a request nobody decides (real NATS, Postgres and the Slack simulator; clock injected)', () => {
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  let bed: ApprovalTestBed;
  let sim: VendorSim;
  let db: pg.Client;

  beforeAll(async () => {
    bed = await startApprovalTestBed({
      apiKey: 'approval-pending-test-demo-key',
      oktaToken: 'approval-pending-test-okta-token',
      clock,
      sim: { slackToken: 'xoxb-approval-pending-test' },
      env: {
        SLACK_BOT_TOKEN: 'xoxb-approval-pending-test',
        SLACK_SIGNING_SECRET: 'approval-pending-test-secret',
        // Ticks far longer than the test: only the announcement of a notice or a reminder, and the clock's
        // jumps, can make the loops send and fire in time.
        SLACK_NOTIFY_TICK_MS: '600000',
        REMINDER_TICK_MS: '600000',
      },
      // Waits at most an hour, its approvers reminded after 40 minutes.
      template: {
        application: {
          id: 'aws-prod-console',
          name: 'AWS production console',
          oktaGroupId: '00g1awsprodconsole02',
          owners: [carol],
          pendingTtlSeconds: 3600,
          reminderAfterSeconds: 2400,
        },
        durationSeconds: 1800,
        justification: 'INC-9 nobody answers',
      },
    });
    ({ sim, db } = bed);
  });

  afterAll(() => bed.close());

  function toldAbout(email: string, requestId: string): SlackMessage[] {
    return sim.slackMessages(email).filter((m) => m.text.includes(requestId) || JSON.stringify(m.blocks ?? []).includes(requestId));
  }

  async function deniedOf(requestId: string): Promise<AccessEvent<'denied'>[]> {
    return eventsOf(bed.nc, bed.service.topology, 'denied', requestId);
  }

  async function opened(requestId: string): Promise<void> {
    await waitFor(async () => (await db.query(`SELECT 1 FROM approval.approvals WHERE request_id = $1`, [requestId])).rowCount === 1, {
      what: 'the approval to open',
    });
  }

  it('reminds the approver, adds the escalation target, then at the TTL denies with approval_timeout and tells the requester', async () => {
    const requested = await bed.request({ kind: 'stages', stages: [{ kind: 'manager', escalateTo: dave }] });
    const id = requested.requestId;
    await opened(id);
    await waitFor(() => toldAbout(bob, id).length === 1, { what: 'bob to be asked' });

    clock.advance(2399_000);
    expect(await deniedOf(id)).toEqual([]);
    clock.advance(1000);
    const reminder = await waitFor(() => toldAbout(bob, id).find((m) => m.text.startsWith('Reminder:')), { what: 'bob to be reminded' });
    expect(reminder.text).toBe(
      `Reminder: ${alice}'s request for AWS production console (30m) still waits for your decision; without a decision it is denied at 2 Mar 2026, 06:00 GMT-5. (request ${id})`,
    );
    const escalated = await waitFor(async () => (await eventsOf(bed.nc, bed.service.topology, 'approval_escalated', id))[0], {
      what: 'the escalation',
    });
    expect(escalated.data).toEqual({ stage: 0, approver: dave });
    await waitFor(() => toldAbout(dave, id).length === 1, { what: 'dave to be asked' });
    expect(await deniedOf(id)).toEqual([]);

    clock.advance(1200_000);
    const [denied] = await waitFor(
      async () => {
        const found = await deniedOf(id);
        return found.length > 0 && found;
      },
      { what: 'the request to time out' },
    );
    expect(denied.data).toEqual({ by: 'policy', reason: 'approval_timeout' });
    expect(Date.parse(denied.occurredAt)).toBeGreaterThan(Date.parse(escalated.occurredAt));
    await waitFor(
      () =>
        sim.slackMessages(alice).some((m) => m.text === 'Your request for AWS production console (30m) was denied: nobody decided in time'),
      {
        what: 'alice to be told',
      },
    );
    await waitFor(
      () => toldAbout(bob, id).some((m) => m.edited && m.text.includes('Closed') === false && m.text.includes('Denied by policy')),
      {
        what: "bob's question to show the timeout",
      },
    );
    expect((await bed.decide(id, bob, 'approve')).status).toBe(409);
  });

  it('a request decided in time drops its reminder and its TTL: nothing fires later', async () => {
    const requested = await bed.request({ kind: 'manager' });
    const id = requested.requestId;
    await opened(id);
    expect((await bed.decide(id, bob, 'approve')).status).toBe(200);

    const { rows } = await db.query(`SELECT kind FROM approval.reminders WHERE request_id = $1 AND state = 'pending' ORDER BY kind`, [id]);
    expect(rows).toEqual([]);
  });
});

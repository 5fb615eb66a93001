import { createHmac } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { ManualClock, type AccessEvent } from '@jit/events';
import { connectTestNats, createTestDatabase, deleteTopology, eventsOf, testTopology, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { approvalService } from '../apps/approval/src/service.js';
import { intakeService } from '../apps/intake/src/service.js';
import { provisionerService } from '../apps/provisioner/src/service.js';
import { schedulerService } from '../apps/scheduler/src/service.js';
import { seedGroups, seedPeople, startVendorSim, type SlackMessage, type VendorSim } from '../tools/vendor-sim/src/index.js';

/**
 * The requester's side of a grant, across intake, approval, the provisioner and the scheduler in
 * one process, against the real NATS and Postgres and the vendor simulator, all on one injected
 * clock: what alice is told in Slack, and what her Extend click does to the grant, its timer, its
 * Jira issue and her Okta membership.
 */

const API_KEY = 'notifications-demo-api-key-0123456789';
const SIGNING_SECRET = 'notifications-signing-secret';
const alice = seedPeople.alice;
const services = { intake: intakeService, approval: approvalService, provisioner: provisionerService, scheduler: schedulerService };

interface Button {
  action_id: string;
  value: string;
}

describe('a demo-sandbox grant as alice lives it in Slack (four services, one injected clock)', () => {
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const topology = testTopology('notifications');
  const running: Record<string, Awaited<ReturnType<typeof startTestService>>> = {};
  let sim: VendorSim;
  let nc: NatsConnection;
  let db: pg.Client;

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0 });
    const databaseUrl = await createTestDatabase('notifications');
    const env = {
      JIT_DEMO_API_KEY: API_KEY,
      OKTA_ORG_URL: sim.url,
      OKTA_API_TOKEN: 'notifications-okta-token',
      JIRA_HOST: sim.url,
      JIRA_EMAIL: 'jit@example.com',
      JIRA_API_TOKEN: 'notifications-jira-token',
      SLACK_BOT_TOKEN: 'xoxb-notifications',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: `${sim.url}/api/`,
      SLACK_NOTIFY_TICK_MS: '50',
      SCHEDULER_TICK_MS: '50',
      RECONCILE_INTERVAL_MS: '3600000',
    };
    for (const [name, definition] of Object.entries(services)) {
      running[name] = await startTestService(definition, { name: `notifications_${name}`, topology, databaseUrl, env, clock });
    }
    nc = await connectTestNats();
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    for (const service of Object.values(running).reverse()) await service.stop();
    await db?.end();
    if (nc) {
      await deleteTopology(nc, topology);
      await nc.close();
    }
    await sim?.close();
  });

  async function call(service: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${running[service].url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        'on-behalf-of': alice.email,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /** Clicks a button of a message exactly as Slack posts it: a signed form with the `block_actions` payload. */
  async function click(message: SlackMessage, button: Button): Promise<number> {
    const payload = {
      type: 'block_actions',
      user: { id: alice.slackId, username: 'alice', team_id: 'T0JITDEMO01' },
      api_app_id: 'A0JITAPP001',
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
      actions: [{ ...button, block_id: 'extension', type: 'button', action_ts: '1772445600.000001' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const response = await fetch(`${running.approval.url}/slack/events`, {
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

  function toldAbout(requestId: string): SlackMessage[] {
    return sim.slackMessages(alice.email).filter((m) => m.text.includes(requestId));
  }

  function told(requestId: string, words: string): Promise<SlackMessage> {
    return waitFor(() => toldAbout(requestId).find((m) => m.text.includes(words)), { what: `alice to be told "${words}"` });
  }

  function buttonsOf(message: SlackMessage): Button[] {
    const blocks = (message.blocks ?? []) as { type: string; elements?: Button[] }[];
    return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  }

  function inGroup(): boolean {
    return sim.groupMembers(seedGroups.demoSandbox.id).includes(alice.oktaId);
  }

  async function expiredOf(requestId: string): Promise<AccessEvent<'expired'>[]> {
    return eventsOf(nc, topology, 'expired', requestId);
  }

  it('granted, warned with an Extend button, extended by a signed click (expiry, timer, Jira, Okta follow), warned again, ended: in order, once each', async () => {
    const created = await call('intake', 'POST', '/v1/requests', {
      applicationId: 'demo-sandbox',
      duration: '1m',
      justification: 'INC-7 try it',
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;

    // Jira answers after the grant: the grant's message gains the issue key in place.
    await told(id, 'is granted until 2 Mar 2026, 10:01 GMT; Jira issue JIT-1.');
    expect(inGroup()).toBe(true);
    const grantedView = await waitFor(
      async () => {
        const view = (await call('intake', 'GET', `/v1/requests/${id}`)).body;
        return view.status === 'granted' && view;
      },
      { what: 'intake to show the grant' },
    );
    expect(grantedView).toMatchObject({ expiresAt: '2026-03-02T10:01:00.000Z', canExtend: true, extension: null });

    clock.advance(31_000);
    const warning = await told(id, 'ends at 2 Mar 2026, 10:01 GMT');
    const extend = buttonsOf(warning).find((b) => b.action_id === 'extend');
    expect(extend).toEqual(expect.objectContaining({ value: id }));

    expect(await click(warning, extend!)).toBe(200);

    await told(id, 'now ends at 2 Mar 2026, 10:02 GMT');
    const extendedView = await waitFor(
      async () => {
        const view = (await call('intake', 'GET', `/v1/requests/${id}`)).body;
        return view.expiresAt === '2026-03-02T10:02:00.000Z' && view;
      },
      { what: 'intake to show the new expiry' },
    );
    expect(extendedView).toMatchObject({ status: 'granted', extension: { status: 'extended', durationSeconds: 60 } });
    const ticketKey =
      extendedView.ticketKey ??
      (await waitFor(async () => (await call('intake', 'GET', `/v1/requests/${id}`)).body.ticketKey, { what: 'the ticket' }));
    await waitFor(
      async () => {
        const comments = await (
          await fetch(`${sim.url}/rest/api/3/issue/${ticketKey}/comment`, {
            headers: { authorization: `Basic ${Buffer.from('jit@example.com:notifications-jira-token').toString('base64')}` },
          })
        ).json();
        return JSON.stringify(comments).includes('Access extended (approved by policy:self-extension) until 2026-03-02T10:02:00.000Z');
      },
      { what: 'the Jira issue to note the extension' },
    );

    // Past the first expiry: the timer moved, so nothing expires and alice keeps her membership.
    clock.advance(30_000);
    const { rows: timers } = await db.query(`SELECT fires_at, status FROM scheduler.timers WHERE request_id = $1`, [id]);
    expect(timers).toEqual([{ fires_at: new Date('2026-03-02T10:02:00.000Z'), status: 'pending' }]);
    expect(await expiredOf(id)).toEqual([]);
    expect(inGroup()).toBe(true);

    clock.advance(30_000);
    await told(id, 'Your access to Demo sandbox ends at 2 Mar 2026, 10:02 GMT.');

    clock.advance(30_000);
    await told(id, 'has ended at');
    const [expired] = await expiredOf(id);
    expect(expired.data.expiresAt).toBe('2026-03-02T10:02:00.000Z');
    await waitFor(() => !inGroup(), { what: "alice's membership to be removed" });

    expect(toldAbout(id).map((m) => m.text.replace(/ \(request [^)]+\)| Extend it below if you need more time\./g, ''))).toEqual([
      'Your access to Demo sandbox is granted until 2 Mar 2026, 10:01 GMT; Jira issue JIT-1.',
      'Your access to Demo sandbox ends at 2 Mar 2026, 10:01 GMT.',
      'Your access to Demo sandbox now ends at 2 Mar 2026, 10:02 GMT.',
      'Your access to Demo sandbox ends at 2 Mar 2026, 10:02 GMT.',
      'Your access to Demo sandbox has ended at 2 Mar 2026, 10:02 GMT: its time was up.',
    ]);
  });
});

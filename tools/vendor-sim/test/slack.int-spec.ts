import type { KnownBlock } from '@slack/web-api';
import { seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { timeZoneJson } from '../src/slack/representations.js';
import { call, slackClient } from './support/clients.js';

describe('Slack Web API through @slack/web-api', () => {
  let sim: VendorSim;
  let slack: ReturnType<typeof slackClient>;
  const { bob } = seedPeople;

  const approvalBlocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: '*alice@example.com* asks for *github-admin* for 4h' } },
    {
      type: 'actions',
      block_id: 'decision',
      elements: [
        { type: 'button', action_id: 'approve', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: 'req-1' },
        { type: 'button', action_id: 'deny', style: 'danger', text: { type: 'plain_text', text: 'Deny' }, value: 'req-1' },
      ],
    },
  ];

  beforeAll(async () => {
    sim = await startVendorSim();
    slack = slackClient(sim);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  async function openDmWithBob(): Promise<string> {
    const { user } = await slack.users.lookupByEmail({ email: bob.email });
    const opened = await slack.conversations.open({ users: user!.id! });
    return opened.channel!.id!;
  }

  it('looks members up by e-mail and by id', async () => {
    const byEmail = await slack.users.lookupByEmail({ email: bob.email });
    const byId = await slack.users.info({ user: bob.slackId });

    expect(byEmail.user).toMatchObject({ id: bob.slackId, profile: { email: bob.email, real_name: 'Bob Baker' } });
    expect(byId.user?.profile?.email).toBe(bob.email);
  });

  it('reports an unknown e-mail as users_not_found', async () => {
    await expect(slack.users.lookupByEmail({ email: 'nobody@example.com' })).rejects.toMatchObject({
      data: { ok: false, error: 'users_not_found' },
    });
  });

  it('opens the same DM channel every time, saying so the second time', async () => {
    const first = await slack.conversations.open({ users: bob.slackId });
    const second = await slack.conversations.open({ users: bob.slackId });

    expect(first.channel?.id).toMatch(/^D[A-Z0-9]{8,}$/);
    expect(second).toMatchObject({ channel: { id: first.channel?.id }, already_open: true });
  });

  it('posts a message with blocks kept exactly as sent, readable via /_sim/slack/messages', async () => {
    const channel = await openDmWithBob();

    const posted = await slack.chat.postMessage({ channel, text: 'Approval needed', blocks: approvalBlocks });

    expect(posted).toMatchObject({ ok: true, channel, message: { text: 'Approval needed', blocks: approvalBlocks } });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    const listed = await call(sim, 'GET', `/_sim/slack/messages?email=${encodeURIComponent(bob.email)}`);
    expect(listed.body).toEqual([{ channel, ts: posted.ts, text: 'Approval needed', blocks: approvalBlocks }]);
  });

  it('updates a message in place with chat.update', async () => {
    const channel = await openDmWithBob();
    const posted = await slack.chat.postMessage({ channel, text: 'Approval needed', blocks: approvalBlocks });
    const decided: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: 'Approved by <@U0BOB000002>' } }];

    const updated = await slack.chat.update({ channel, ts: posted.ts!, text: 'Approved', blocks: decided });

    expect(updated).toMatchObject({ ok: true, channel, ts: posted.ts, text: 'Approved', message: { blocks: decided } });
    expect(sim.slackMessages(bob.email)).toMatchObject([{ ts: posted.ts, text: 'Approved', blocks: decided }]);
  });

  it('posts to a member id by way of the DM channel', async () => {
    const posted = await slack.chat.postMessage({ channel: bob.slackId, text: 'Hello' });

    expect(posted.channel).toBe(`D${bob.slackId.slice(1)}`);
    expect(sim.slackMessages(bob.email).map((m) => m.text)).toEqual(['Hello']);
  });

  it('reports message_not_found and channel_not_found like Slack', async () => {
    const channel = await openDmWithBob();

    await expect(slack.chat.update({ channel, ts: '1234567890.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    await expect(slack.chat.postMessage({ channel: 'C0NOSUCH00', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
  });

  it('lists a DM newest first within oldest/latest, paged by cursor, with metadata only when asked', async () => {
    const channel = await openDmWithBob();
    const metadata = { event_type: 'jit_notice', event_payload: { notice_id: '1' } };
    const first = await slack.chat.postMessage({ channel, text: 'one', metadata });
    const second = await slack.chat.postMessage({ channel, text: 'two' });
    const third = await slack.chat.postMessage({ channel, text: 'three' });

    const all = await slack.conversations.history({ channel });
    expect(all).toMatchObject({ ok: true, has_more: false, pin_count: 0 });
    expect(all.messages?.map((m) => m.text)).toEqual(['three', 'two', 'one']);
    expect(all.messages?.[2].metadata).toBeUndefined();
    const withMetadata = await slack.conversations.history({ channel, include_all_metadata: true });
    expect(withMetadata.messages?.[2]).toMatchObject({ text: 'one', ts: first.ts, metadata });

    const after = await slack.conversations.history({ channel, oldest: first.ts });
    expect(after.messages?.map((m) => m.text)).toEqual(['three', 'two']);
    const between = await slack.conversations.history({ channel, oldest: first.ts, latest: third.ts, inclusive: true });
    expect(between.messages?.map((m) => m.text)).toEqual(['three', 'two', 'one']);

    const page = await slack.conversations.history({ channel, limit: 2 });
    expect(page.messages?.map((m) => m.ts)).toEqual([third.ts, second.ts]);
    expect(page.has_more).toBe(true);
    const rest = await slack.conversations.history({ channel, limit: 2, cursor: page.response_metadata!.next_cursor! });
    expect(rest).toMatchObject({ has_more: false, messages: [{ ts: first.ts }] });
  });

  it('serves each member their own time zone, with its label and offset at the moment asked', async () => {
    const { alice, carol } = seedPeople;
    const users = await Promise.all([alice, bob, carol].map((p) => slack.users.lookupByEmail({ email: p.email })));

    expect(users.map(({ user }) => user?.tz)).toEqual(['Europe/London', 'America/New_York', 'Asia/Tokyo']);
    expect((await slack.users.info({ user: carol.slackId })).user).toMatchObject({
      tz: 'Asia/Tokyo',
      tz_label: 'Japan Standard Time',
      tz_offset: 32_400,
    });
    expect(timeZoneJson('America/New_York', new Date('2026-01-15T12:00:00Z'))).toEqual({
      tz: 'America/New_York',
      tz_label: 'Eastern Standard Time',
      tz_offset: -18_000,
    });
    expect(timeZoneJson('America/New_York', new Date('2026-07-15T12:00:00Z'))).toMatchObject({
      tz_label: 'Eastern Daylight Time',
      tz_offset: -14_400,
    });
  });

  it('rejects a non-Slack token with invalid_auth and HTTP 200', async () => {
    const response = await fetch(`${sim.url}/api/users.info?user=${bob.slackId}`, { headers: { authorization: 'Bearer nope' } });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: 'invalid_auth' });
  });
});

import type { KnownBlock } from '@slack/web-api';
import { seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
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

  it('rejects a non-Slack token with invalid_auth and HTTP 200', async () => {
    const response = await fetch(`${sim.url}/api/users.info?user=${bob.slackId}`, { headers: { authorization: 'Bearer nope' } });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: 'invalid_auth' });
  });
});

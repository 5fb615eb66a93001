import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { jiraClient, oktaClient, slackClient } from './support/clients.js';

describe('a simulator with a state folder, across a restart', () => {
  const { alice } = seedPeople;
  const aws = seedGroups.awsProdConsole;
  let dir: string;
  let sim: VendorSim | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vendor-sim-state-'));
  });
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Stops the running simulator and starts another on the same folder, as `npm start` does after Ctrl-C: on the same
   * port where the issuer (which names it) matters, else on a fresh one, so that no client's keep-alive pool offers a
   * socket the first one closed.
   */
  async function restart({ samePort }: { samePort: boolean }): Promise<VendorSim> {
    const port = samePort ? Number(new URL(sim!.url).port) : 0;
    await sim!.close();
    sim = await startVendorSim({ port, stateDir: dir });
    return sim;
  }

  it('keeps the signing key, so a token minted before the restart still verifies, and says it restored the state', async () => {
    sim = await startVendorSim({ stateDir: dir });
    const { access_token: token } = await sim.mintToken({ sub: alice.email });
    expect(sim.loaded).toEqual({ state: 'empty' });

    const again = await restart({ samePort: true });

    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(again.jwksUri)), {
      issuer: again.issuer,
      audience: again.audience,
    });
    expect(payload.sub).toBe(alice.email);
    expect(again.loaded).toMatchObject({ state: 'restored' });
    expect(statSync(join(dir, 'signing-key.json')).mode & 0o077).toBe(0);
  });

  it('keeps Okta memberships and created users, Jira issues with their comments and status, and Slack messages', async () => {
    sim = await startVendorSim({ stateDir: dir });
    await oktaClient(sim).groupApi.assignUserToGroup({ groupId: aws.id, userId: alice.oktaId });
    const erin = await oktaClient(sim).userApi.createUser({
      body: { profile: { firstName: 'Erin', lastName: 'Evans', email: 'erin@example.com', login: 'erin@example.com' } },
      activate: true,
    });
    const jira = jiraClient(sim);
    const issue = await jira.issues.createIssue({
      fields: { project: { key: 'JIT' }, issuetype: { name: 'Task' }, summary: 'Access request', labels: ['jit-access'] },
    });
    await jira.issueComments.addComment({
      issueIdOrKey: issue.key,
      body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'granted' }] }] },
    });
    await jira.issues.doTransition({ issueIdOrKey: issue.key, transition: { id: '31' } });
    const slack = slackClient(sim);
    const { channel } = await slack.conversations.open({ users: alice.slackId });
    const metadata = { event_type: 'jit_notice', event_payload: { notice_id: '7' } };
    await slack.chat.postMessage({ channel: channel!.id!, text: 'Your access to aws-prod-console is granted', metadata });

    const again = await restart({ samePort: false });

    expect(again.groupMembers(aws.id)).toEqual([alice.oktaId]);
    expect((await oktaClient(again).userApi.getUser({ userId: 'erin@example.com' })).id).toBe(erin.id);
    const kept = await jiraClient(again).issues.getIssue({ issueIdOrKey: issue.key });
    expect(kept.fields?.status.name).toBe('Done');
    expect(kept.fields?.comment.comments).toHaveLength(1);
    const next = await jiraClient(again).issues.createIssue({
      fields: { project: { key: 'JIT' }, issuetype: { name: 'Task' }, summary: 'Another', labels: ['jit-access'] },
    });
    expect(next.key).not.toBe(issue.key);
    expect(again.slackMessages(alice.email).map((m) => m.text)).toEqual(['Your access to aws-prod-console is granted']);
    const history = await slackClient(again).conversations.history({ channel: channel!.id!, include_all_metadata: true });
    expect(history.messages?.map((m) => m.metadata)).toEqual([metadata]);
  });

  it('a reset empties the kept state but keeps the signing key', async () => {
    sim = await startVendorSim({ stateDir: dir });
    await oktaClient(sim).groupApi.assignUserToGroup({ groupId: aws.id, userId: alice.oktaId });
    const key = readFileSync(join(dir, 'signing-key.json'), 'utf8');
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });

    const again = await restart({ samePort: false });

    expect(again.groupMembers(aws.id)).toEqual([]);
    expect(readFileSync(join(dir, 'signing-key.json'), 'utf8')).toBe(key);
  });

  it('sets an unreadable state file aside and starts from the seed, saying so', async () => {
    writeFileSync(join(dir, 'state.bin'), 'not a snapshot');

    sim = await startVendorSim({ stateDir: dir });

    expect(sim.loaded).toMatchObject({ state: 'set_aside' });
    expect(readdirSync(dir).some((name) => name.startsWith('state.bin.unreadable-'))).toBe(true);
    expect(sim.groupMembers(aws.id)).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { DeadLetterHeaders, deadLetterSubject, ensureStreams, inboxPrefixOf, natsAuthorizationBlock, subjectFor } from '@jit/events';
import { PrivateNatsServer, sampleEvent, testTopology, topologyEnv } from '@jit/events/testing';
import { runJit } from './support/run-cli.js';

const topology = testTopology('cli_bus_user');
const passwords = {
  cli: randomBytes(12).toString('hex'),
  audit: randomBytes(12).toString('hex'),
  approval: randomBytes(12).toString('hex'),
  admin: randomBytes(12).toString('hex'),
};

describe('ops CLI on an authenticated bus', () => {
  let server: PrivateNatsServer;
  let admin: NatsConnection;
  let audit: NatsConnection;

  /** Runs the CLI logged in as the cli user (or with the password given). */
  function jit(password: string, ...args: string[]): Promise<any[]> {
    return runJit(args, { NATS_URL: server.url, NATS_USER: 'cli', NATS_PASSWORD: password, ...topologyEnv(topology) });
  }

  const messages = async () => (await (await jetstreamManager(admin)).streams.info(topology.stream)).state.messages;

  /** Writes a dead letter as the audit service's consumer would. */
  async function deadLetter(subject: string, streamSeq: number, payload: string): Promise<number> {
    const h = headers();
    h.set(DeadLetterHeaders.reason, 'handler refused the event');
    h.set(DeadLetterHeaders.subject, subject);
    h.set(DeadLetterHeaders.streamSeq, String(streamSeq));
    h.set(DeadLetterHeaders.consumer, 'audit');
    h.set(DeadLetterHeaders.deliveries, '1');
    return (await jetstream(audit).publish(deadLetterSubject(topology, 'audit'), payload, { headers: h })).seq;
  }

  beforeAll(async () => {
    const credentials = Object.fromEntries(Object.entries(passwords).map(([user, password]) => [user, { password }]));
    server = await PrivateNatsServer.start({ config: natsAuthorizationBlock(topology, credentials) });
    admin = await connect({ servers: server.url, user: 'admin', pass: passwords.admin });
    audit = await connect({ servers: server.url, user: 'audit', pass: passwords.audit, inboxPrefix: inboxPrefixOf('audit') });
    await ensureStreams(await jetstreamManager(admin), topology);
  });

  afterAll(async () => {
    await audit?.close();
    await admin?.close();
    await server?.stop();
  });

  it('as the cli user it lists dead letters, shows a history and retries a dead letter the stream holds', async () => {
    const approval = await connect({
      servers: server.url,
      user: 'approval',
      pass: passwords.approval,
      inboxPrefix: inboxPrefixOf('approval'),
    });
    const event = sampleEvent('approved', 'cli-bus-1');
    const payload = JSON.stringify(event);
    const { seq } = await jetstream(approval).publish(subjectFor(topology, 'approved'), payload, { msgID: event.id });
    await approval.close();
    const letter = await deadLetter(subjectFor(topology, 'approved'), seq, payload);

    expect((await jit(passwords.cli, 'dead-letters')).map((l) => l.seq)).toContain(letter);
    const before = await messages();
    const [retried] = await jit(passwords.cli, 'retry', String(letter));
    expect(retried.subject).toBe(subjectFor(topology, 'approved'));
    expect(await messages()).toBe(before + 1);
    expect((await jit(passwords.cli, 'history', 'cli-bus-1')).map((e) => e.type)).toEqual(['approved', 'approved']);
  });

  it('does not republish a dead letter a service forged (an approval that was never on the stream), and the stream is unchanged', async () => {
    const forged = JSON.stringify(sampleEvent('approved', 'cli-bus-forged'));
    const letter = await deadLetter(subjectFor(topology, 'approved'), 1, forged);
    const before = await messages();
    await expect(jit(passwords.cli, 'retry', String(letter))).rejects.toMatchObject({
      stderr: expect.stringContaining(`dead letter #${letter} is not the event stored at ${topology.stream}#1; not republished`),
    });
    expect(await messages()).toBe(before);
  });

  it('exits with the reason when the bus refuses its password', async () => {
    await expect(jit('wrong', 'dead-letters')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`refused cli's login with user "cli"`),
    });
  });
});

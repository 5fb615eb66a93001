import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventContext, JetStreamServer, OnEvent, PrepareEvent, notYet, subjectFor, type AccessEvent, type NotYet } from '@jit/events';
import { sampleEvent, waitFor } from '@jit/events/testing';
import { effectsTable, openHarness, type Harness } from './fixtures/harness.js';
import { recordEffect } from './fixtures/record-effect.js';

@Controller()
class GrantsHandler {
  @OnEvent('granted')
  async onGranted(@Payload() event: AccessEvent<'granted'>, @Ctx() ctx: EventContext): Promise<void> {
    await recordEffect({ ...event, requestId: `${event.requestId}:${event.data.oktaGroupId}` }, ctx.manager, ctx.delivery);
  }

  /** How many times `approved` answered "not yet", and the open transactions its preparation saw. */
  static notYetAnswers = 0;
  static transactionsSeenWhilePreparing: number[] = [];

  @PrepareEvent('approved')
  async lookUpApprover(@Payload() event: AccessEvent<'approved'>): Promise<string> {
    const [{ open }] = await h.dataSource.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    GrantsHandler.transactionsSeenWhilePreparing.push(open);
    return `${event.data.approver} (looked up)`;
  }

  @OnEvent('approved')
  async onApproved(@Payload() event: AccessEvent<'approved'>, @Ctx() ctx: EventContext): Promise<NotYet | void> {
    if (GrantsHandler.notYetAnswers < 3) {
      GrantsHandler.notYetAnswers += 1;
      await recordEffect(event, ctx.manager, ctx.delivery);
      return notYet('waiting for the request');
    }
    await recordEffect({ ...event, requestId: `${event.requestId}:${String(ctx.prepared)}` }, ctx.manager, ctx.delivery);
  }

  @OnEvent('expired')
  async onExpired(@Payload() event: AccessEvent<'expired'>, @Ctx() ctx: EventContext): Promise<void> {
    await recordEffect(event, ctx.manager, ctx.delivery);
    throw new Error('rolled back with the inbox row');
  }
}

let h: Harness;

@Module({ controllers: [GrantsHandler] })
class HandlersModule {}

describe('the NestJS JetStream transport', () => {
  let app: INestMicroservice;

  beforeAll(async () => {
    h = await openHarness('nest_transport');
    const settings = { name: 'nest', ackWaitMs: 5000, maxDeliver: 2, backoffMs: [100], maxAckPending: 50 };
    app = await NestFactory.createMicroservice(HandlersModule, {
      strategy: new JetStreamServer({ jetstream: h.js, manager: h.jsm, dataSource: h.dataSource, topology: h.topology, settings }),
      logger: false,
    });
    await app.listen();
  });

  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('hands an @OnEvent handler the typed event and a transaction that commits with the inbox record', async () => {
    const event = sampleEvent('granted', 'nest-1');
    await h.js.publish(subjectFor(h.topology, 'granted'), JSON.stringify(event), { msgID: event.id });
    const rows = await waitFor(
      async () => {
        const found = await h.dataSource.query(`SELECT request_id FROM ${effectsTable} WHERE consumer = 'nest'`);
        return found.length > 0 && found;
      },
      { what: 'the handler effect' },
    );
    expect(rows).toEqual([{ request_id: 'nest-1:00gdemosandbox' }]);
    const [inbox] = await h.dataSource.query(`SELECT event_type FROM svc.inbox WHERE consumer = 'nest' AND event_id = $1`, [event.id]);
    expect(inbox).toEqual({ event_type: 'granted' });
  });

  it('rolls back the effect and the inbox record together when the handler fails', async () => {
    const event = sampleEvent('expired', 'nest-2');
    await h.js.publish(subjectFor(h.topology, 'expired'), JSON.stringify(event), { msgID: event.id });
    await waitFor(async () => (await h.jsm.streams.info(h.topology.deadLetterStream)).state.messages === 1, {
      what: 'the dead letter after 2 deliveries',
    });
    const effects = await h.dataSource.query(`SELECT 1 FROM ${effectsTable} WHERE request_id = 'nest-2'`);
    const inbox = await h.dataSource.query(`SELECT 1 FROM svc.inbox WHERE event_id = $1`, [event.id]);
    expect({ effects, inbox }).toEqual({ effects: [], inbox: [] });
  });

  it('a handler that answers "not yet" is retried rather than acked, and its preparation runs with no transaction open', async () => {
    const deadLettersBefore = (await h.jsm.streams.info(h.topology.deadLetterStream)).state.messages;
    const event = sampleEvent('approved', 'nest-3');
    await h.js.publish(subjectFor(h.topology, 'approved'), JSON.stringify(event), { msgID: event.id });
    const rows = await waitFor(
      async () => {
        const found = await h.dataSource.query(`SELECT request_id FROM ${effectsTable} WHERE request_id LIKE 'nest-3%'`);
        return found.length > 0 && found;
      },
      { what: 'the effect after three "not yet" answers' },
    );
    expect(rows).toEqual([{ request_id: 'nest-3:bob@example.com (looked up)' }]);
    expect(GrantsHandler.notYetAnswers).toBe(3);
    expect(GrantsHandler.transactionsSeenWhilePreparing).toEqual([0, 0, 0, 0]);
    expect((await h.jsm.streams.info(h.topology.deadLetterStream)).state.messages).toBe(deadLettersBefore);
  });
});

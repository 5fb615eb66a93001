import type { EntityManager } from 'typeorm';
import {
  ConflictError,
  DecisionPipeline,
  ManualClock,
  Outbox,
  accept,
  defaultTopology,
  notYet,
  nothing,
  refuse,
  type AccessEvent,
  type Decider,
  type StateStore,
} from '@jit/events';
import { sampleEvent } from '@jit/events/testing';
import { openHarness, type Harness } from './fixtures/harness.js';

/** A small decider: a request is opened by `requested`, and collects at most two approvals. */
interface Toy {
  open: boolean;
  approvals: number;
}
type ToyCommand = { kind: 'approve'; by: string } | { kind: 'observe'; event: AccessEvent };

const toyDecider: Decider<ToyCommand, Toy, 'approved'> = {
  initialState: { open: false, approvals: 0 },
  decide(command, state) {
    if (command.kind === 'observe') {
      if (command.event.type !== 'requested') return state.open ? accept() : notYet('no request yet');
      return state.open ? nothing('seen already') : accept();
    }
    if (!state.open) return notYet('no request yet');
    if (command.by === 'mallory') return refuse(new ConflictError('mallory may not approve'));
    if (state.approvals >= 2) return nothing('approved already');
    return accept({ type: 'approved', data: { stage: state.approvals, approver: command.by, final: state.approvals === 1 } });
  },
  evolve(state, event) {
    if (event.type === 'requested') return { ...state, open: true };
    if (event.type === 'approved') return { ...state, approvals: state.approvals + 1 };
    return state;
  },
};

const table = '"svc"."toys"';

const toyStore = (failOnSave = false): StateStore<Toy> => ({
  async load(manager: EntityManager, requestId: string) {
    const rows: { state: Toy }[] = await manager.query(`SELECT state FROM ${table} WHERE request_id = $1 FOR UPDATE`, [requestId]);
    return rows[0]?.state ?? toyDecider.initialState;
  },
  async save(manager: EntityManager, requestId: string, next: Toy) {
    await manager.query(
      `INSERT INTO ${table} (request_id, state) VALUES ($1, $2) ON CONFLICT (request_id) DO UPDATE SET state = EXCLUDED.state`,
      [requestId, next],
    );
    if (failOnSave) throw new Error('the disk is full');
  },
});

describe('decision pipeline', () => {
  let h: Harness;
  const clock = new ManualClock('2026-05-01T12:00:00.000Z');

  beforeAll(async () => {
    h = await openHarness('pipeline');
    await h.dataSource.query(`CREATE TABLE ${table} (request_id text PRIMARY KEY, state jsonb NOT NULL)`);
  });
  afterAll(() => h.close());

  const pipeline = (store = toyStore()) =>
    new DecisionPipeline({ decider: toyDecider, store, outbox: new Outbox(defaultTopology), clock, dataSource: h.dataSource });

  async function outboxOf(requestId: string): Promise<AccessEvent[]> {
    const rows: { event: AccessEvent }[] = await h.dataSource.query(
      `SELECT event FROM "svc"."outbox" WHERE event->>'requestId' = $1 ORDER BY position`,
      [requestId],
    );
    return rows.map((r) => r.event);
  }

  async function stateOf(requestId: string): Promise<Toy | undefined> {
    const rows: { state: Toy }[] = await h.dataSource.query(`SELECT state FROM ${table} WHERE request_id = $1`, [requestId]);
    return rows[0]?.state;
  }

  it('folds the cause, stamps the decided events and commits them with the state', async () => {
    const requested = sampleEvent('requested', 'toy-1', clock);
    expect(
      await pipeline().run({ requestId: 'toy-1', command: { kind: 'observe', event: requested }, actor: 'service:toy', cause: requested }),
    ).toMatchObject({ kind: 'done', events: [], state: { open: true, approvals: 0 } });

    const outcome = await pipeline().run({ requestId: 'toy-1', command: { kind: 'approve', by: 'bob' }, actor: 'bob', cause: requested });
    expect(outcome).toMatchObject({ kind: 'done', state: { open: true, approvals: 1 } });
    const [approved] = await outboxOf('toy-1');
    expect(approved).toMatchObject({
      type: 'approved',
      version: 2,
      actor: 'bob',
      requestId: 'toy-1',
      occurredAt: '2026-05-01T12:00:00.000Z',
      causationId: requested.id,
      correlationId: requested.correlationId,
      data: { stage: 0, approver: 'bob', final: false },
    });
    expect(await stateOf('toy-1')).toEqual({ open: true, approvals: 1 });
  });

  it('nothing to do, not yet and a refusal are answers that change nothing and publish nothing', async () => {
    expect(await pipeline().run({ requestId: 'toy-2', command: { kind: 'approve', by: 'bob' }, actor: 'bob' })).toEqual({
      kind: 'not_yet',
      reason: 'no request yet',
    });
    const requested = sampleEvent('requested', 'toy-2', clock);
    await pipeline().run({ requestId: 'toy-2', command: { kind: 'observe', event: requested }, actor: 'svc', cause: requested });
    expect(
      await pipeline().run({ requestId: 'toy-2', command: { kind: 'observe', event: requested }, actor: 'svc', cause: requested }),
    ).toMatchObject({
      kind: 'nothing',
      state: { open: true, approvals: 0 },
    });
    const refused = await pipeline().run({ requestId: 'toy-2', command: { kind: 'approve', by: 'mallory' }, actor: 'mallory' });
    expect(refused).toMatchObject({ kind: 'refused' });
    expect(refused.kind === 'refused' && refused.error).toBeInstanceOf(ConflictError);
    expect(await outboxOf('toy-2')).toEqual([]);
    expect(await stateOf('toy-2')).toEqual({ open: true, approvals: 0 });
  });

  it('a failure while saving rolls back the state and the events together', async () => {
    const requested = sampleEvent('requested', 'toy-3', clock);
    await pipeline().run({ requestId: 'toy-3', command: { kind: 'observe', event: requested }, actor: 'svc', cause: requested });
    await expect(
      pipeline(toyStore(true)).run({ requestId: 'toy-3', command: { kind: 'approve', by: 'bob' }, actor: 'bob' }),
    ).rejects.toThrow('the disk is full');
    expect(await outboxOf('toy-3')).toEqual([]);
    expect(await stateOf('toy-3')).toEqual({ open: true, approvals: 0 });
  });

  it("runs inside the caller's transaction when given one, so it commits or rolls back with it", async () => {
    const requested = sampleEvent('requested', 'toy-4', clock);
    await expect(
      h.dataSource.transaction(async (manager) => {
        await pipeline().run({
          requestId: 'toy-4',
          command: { kind: 'observe', event: requested },
          actor: 'svc',
          cause: requested,
          manager,
        });
        await pipeline().run({ requestId: 'toy-4', command: { kind: 'approve', by: 'bob' }, actor: 'bob', manager });
        throw new Error('the handler failed after deciding');
      }),
    ).rejects.toThrow('the handler failed after deciding');
    expect(await stateOf('toy-4')).toBeUndefined();
    expect(await outboxOf('toy-4')).toEqual([]);
  });
});

/**
 * Seeds an audit store with generated, correctly chained events, as years of use would leave it:
 * request lifecycles (requested, approved, granted, extended, revoked) of 5,000 people over 50
 * applications, one event a minute apart. `npm run bench:seed -- --events 1000000` seeds the audit
 * schema of DATABASE_URL (as the tables' owner); the audit-queries benchmark calls `seedAuditEvents`.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createEvent, ManualClock, type AccessEvent, type EventType } from '@jit/events';
import { sampleData } from '@jit/events/testing';
import { GENESIS_HASH, linkHash } from '../apps/audit/src/chain/hash.js';

const lifecycle: EventType[] = ['requested', 'approved', 'granted', 'extended', 'revoked'];

/** What the seeded store holds, for the queries to ask about. */
export interface Seeded {
  requestIds: string[];
  people: string[];
  applications: string[];
  from: Date;
  to: Date;
}

/** Appends `total` events after whatever the store holds, in 5,000-row statements, each link hashed on the one before. */
export async function seedAuditEvents(client: pg.Client, total: number, log: (message: string) => void = () => undefined): Promise<Seeded> {
  const people = Array.from({ length: 5000 }, (_, i) => `person${i}@example.com`);
  const applications = Array.from({ length: 50 }, (_, i) => `app-${i}`);
  const [tail] = (await client.query(`SELECT position, stream_seq, hash FROM audit.audit_events ORDER BY position DESC LIMIT 1`)).rows;
  let position = Number(tail?.position ?? 0);
  let prevHash: string = tail?.hash ?? GENESIS_HASH;
  const from = new Date('2024-01-01T00:00:00.000Z');
  const clock = new ManualClock(from.toISOString());
  const requestIds: string[] = [];
  const batch: unknown[][] = [];
  let logged = position;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const columns = batch[0].map((_, c) => batch.map((row) => row[c]));
    await client.query(
      `INSERT INTO audit.audit_events (position, stream_seq, event_id, type, request_id, actor, requester, application_id, occurred_at, recorded_at, event, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::jsonb[], $12::text[], $13::text[])`,
      columns,
    );
    batch.length = 0;
  };
  for (let r = 0; position < Number(tail?.position ?? 0) + total; r++) {
    const requestId = randomUUID();
    requestIds.push(requestId);
    const requester = people[r % people.length];
    const applicationId = applications[r % applications.length];
    for (const type of lifecycle) {
      if (position >= Number(tail?.position ?? 0) + total) break;
      clock.advance(60_000);
      const data = dataOf(type, requester, applicationId, clock.now());
      const event: AccessEvent = createEvent({ type, data } as never, { requestId, actor: requester }, clock);
      const published = JSON.parse(JSON.stringify(event));
      position++;
      const recordedAt = clock.now().toISOString();
      const hash = linkHash(prevHash, { position, streamSeq: position, recordedAt, event: published });
      batch.push([
        position,
        position,
        event.id,
        type,
        requestId,
        requester,
        requester,
        applicationId,
        event.occurredAt,
        recordedAt,
        JSON.stringify(published),
        prevHash,
        hash,
      ]);
      prevHash = hash;
    }
    if (batch.length >= 5000) {
      await flush();
      if (position - logged >= 100_000) log(`seeded ${(logged = position)}`);
    }
  }
  await flush();
  return { requestIds, people, applications, from, to: clock.now() };
}

function dataOf(type: EventType, requester: string, applicationId: string, now: Date): unknown {
  const inAnHour = new Date(now.getTime() + 3_600_000).toISOString();
  switch (type) {
    case 'requested':
      return { ...sampleData.requested, requester, application: { ...sampleData.requested.application, id: applicationId } };
    case 'granted':
      return { ...sampleData.granted, requester, applicationId, grantedAt: now.toISOString(), expiresAt: inAnHour };
    case 'extended':
      return { ...sampleData.extended, expiresAt: inAnHour };
    case 'revoked':
      return { ...sampleData.revoked, revokedAt: now.toISOString() };
    default:
      return sampleData[type];
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/jit' });
  await client.connect();
  try {
    const seeded = await seedAuditEvents(client, Number(values.events), (m) => process.stderr.write(`${m}\n`));
    process.stdout.write(`${JSON.stringify({ events: Number(values.events), requests: seeded.requestIds.length })}\n`);
  } finally {
    await client.end();
  }
}

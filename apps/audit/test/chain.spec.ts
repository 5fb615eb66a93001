import { sampleEvent } from '@jit/events/testing';
import { GENESIS_HASH, linkHash } from '../src/chain/hash.js';
import { verifyChain } from '../src/chain/verify.js';
import type { AuditRecord } from '../src/records/audit-record.js';

/** A well-linked chain of `length` records. */
function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let position = 1; position <= length; position++) {
    const fields = {
      position,
      streamSeq: position + 10,
      recordedAt: '2026-01-01T00:00:00.000Z',
      event: { ...sampleEvent('approved', 'req-1') },
    };
    const hash = linkHash(prevHash, fields);
    records.push({ ...fields, prevHash, hash });
    prevHash = hash;
  }
  return records;
}

/** Serves records in pages of two, as the store would page a long chain. */
function pages(records: AuditRecord[]): (after: number) => Promise<AuditRecord[]> {
  return async (after) => records.filter((r) => r.position > after).slice(0, 2);
}

describe('hash chain verification', () => {
  it('walks every page and answers the head of an intact chain', async () => {
    const records = chain(5);
    expect(await verifyChain(pages(records))).toEqual({ ok: true, checked: 5, head: records[4].hash });
    expect(await verifyChain(pages([]))).toEqual({ ok: true, checked: 0, head: GENESIS_HASH });
  });

  it('finds a deleted row by the gap in positions', async () => {
    const records = chain(4);
    expect(await verifyChain(pages(records.filter((r) => r.position !== 3)))).toEqual({
      ok: false,
      checked: 2,
      firstBrokenLink: { position: 4, eventId: records[3].event.id, reason: 'expected position 3: a row is missing' },
    });
  });

  it('finds a rewritten row at the first link that no longer matches its content', async () => {
    const records = chain(3);
    const rewritten = records.map((r) => (r.position === 2 ? { ...r, event: { ...r.event, actor: 'mallory' } } : r));
    expect(await verifyChain(pages(rewritten))).toEqual({
      ok: false,
      checked: 1,
      firstBrokenLink: { position: 2, eventId: records[1].event.id, reason: 'hash does not match the stored content' },
    });
  });

  it('finds a row spliced in from another chain, even when its own hash matches its content', async () => {
    const records = chain(3);
    const { prevHash: _, hash: __, ...fields } = records[1];
    const foreignPrev = 'f'.repeat(64);
    const spliced = { ...fields, prevHash: foreignPrev, hash: linkHash(foreignPrev, fields) };
    expect(await verifyChain(pages([records[0], spliced, records[2]]))).toEqual({
      ok: false,
      checked: 1,
      firstBrokenLink: { position: 2, eventId: records[1].event.id, reason: 'prev_hash does not match the previous row' },
    });
  });
});

import type { AuditRecord } from '../records/audit-record.js';
import { GENESIS_HASH, linkHash } from './hash.js';

/** The first link that does not hold, and why. */
export interface BrokenLink {
  position: number;
  eventId: string;
  reason: string;
}

/** The outcome of walking the chain: its head when every link holds, else the first broken one. */
export type ChainVerification = { ok: true; checked: number; head: string } | { ok: false; checked: number; firstBrokenLink: BrokenLink };

/** Reads the records after a position, in position order; an empty page ends the chain. */
export type ChainPages = (afterPosition: number) => Promise<AuditRecord[]>;

/**
 * Walks the whole chain from the first record and reports the first link whose position, previous
 * hash or own hash does not match: a missing row, a rewritten row, or a chain recomputed from a
 * tampered row onwards all show up here.
 */
export async function verifyChain(pagesAfter: ChainPages): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const page = await pagesAfter(checked);
    if (page.length === 0) return { ok: true, checked, head: prevHash };
    for (const record of page) {
      const reason = brokenReason(record, prevHash, checked + 1);
      if (reason) return { ok: false, checked, firstBrokenLink: { position: record.position, eventId: record.event.id, reason } };
      prevHash = record.hash;
      checked++;
    }
  }
}

function brokenReason(record: AuditRecord, prevHash: string, position: number): string | undefined {
  if (record.position !== position) return `expected position ${position}: a row is missing`;
  if (record.prevHash !== prevHash) return 'prev_hash does not match the previous row';
  const { streamSeq, recordedAt, event } = record;
  if (record.hash !== linkHash(prevHash, { position, streamSeq, recordedAt, event })) return 'hash does not match the stored content';
  return undefined;
}

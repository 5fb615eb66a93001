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

/** The link a run of records continues from: the position and hash of the record before it (0 and the genesis hash at the start). */
export interface ChainLink {
  position: number;
  hash: string;
}

/** Where every chain starts. */
export const CHAIN_START: ChainLink = { position: 0, hash: GENESIS_HASH };

/**
 * Walks the whole chain from the first record and reports the first link whose position, previous
 * hash or own hash does not match: a missing row, a rewritten row, or a chain recomputed from a
 * tampered row onwards all show up here.
 */
export async function verifyChain(pagesAfter: ChainPages): Promise<ChainVerification> {
  let link = CHAIN_START;
  for (;;) {
    const page = await pagesAfter(link.position);
    if (page.length === 0) return { ok: true, checked: link.position, head: link.hash };
    const run = verifyRun(page, link);
    if (!run.ok) return { ...run, checked: link.position + run.checked };
    link = { position: link.position + run.checked, hash: run.head };
  }
}

/**
 * Checks a run of consecutive records that continues from `after`: the run alone proves its own
 * links and its first record's tie to `after`, so pages checked one after another, each from the
 * head the one before reported, prove the chain as a whole walk would.
 */
export function verifyRun(records: readonly AuditRecord[], after: ChainLink): ChainVerification {
  let prevHash = after.hash;
  let checked = 0;
  for (const record of records) {
    const reason = brokenReason(record, prevHash, after.position + checked + 1);
    if (reason) return { ok: false, checked, firstBrokenLink: { position: record.position, eventId: record.event.id, reason } };
    prevHash = record.hash;
    checked++;
  }
  return { ok: true, checked, head: prevHash };
}

function brokenReason(record: AuditRecord, prevHash: string, position: number): string | undefined {
  if (record.position !== position) return `expected position ${position}: a row is missing`;
  if (record.prevHash !== prevHash) return 'prev_hash does not match the previous row';
  const { streamSeq, recordedAt, event } = record;
  if (record.hash !== linkHash(prevHash, { position, streamSeq, recordedAt, event })) return 'hash does not match the stored content';
  return undefined;
}

import { readRecords, type Sql } from '../records/sql.js';
import { latestCheckpoint, signatureHolds, type SignedCheckpoint } from './checkpoints.js';
import { checkCompleteness, type Completeness, type StreamView } from './completeness.js';
import { CHAIN_START, verifyRun, type ChainLink, type ChainVerification } from './verify.js';

/** How the store compares with its latest signed checkpoint. */
export type CheckpointCheck = { ok: true; checkpoint: SignedCheckpoint } | { ok: false; checkpoint: SignedCheckpoint; reason: string };

/**
 * Checks the store against a signed checkpoint: a signature that does not hold under the key (the
 * service's own, or one the auditor kept; without one, the signature is not checked), a
 * store that ends before the checkpoint's position (its tail was cut), or a different hash there
 * (the chain was recomputed after an edit: every link holds, yet it is not the chain that was signed).
 */
export async function checkAgainstCheckpoint(
  sql: Sql,
  checkpoint: SignedCheckpoint,
  publicKeyPem: string | undefined,
): Promise<CheckpointCheck> {
  if (publicKeyPem && !signatureHolds(checkpoint, publicKeyPem)) {
    return { ok: false, checkpoint, reason: "the checkpoint's signature does not hold under the signing key" };
  }
  const [at] = await sql<{ hash: string; stream_seq: string }>(`SELECT hash, stream_seq FROM audit.audit_events WHERE position = $1`, [
    checkpoint.position,
  ]);
  if (!at) {
    const [{ head }] = await sql<{ head: string | null }>(`SELECT max(position) AS head FROM audit.audit_events`);
    return {
      ok: false,
      checkpoint,
      reason: `truncated tail: the store ends at position ${Number(head ?? 0)}, before position ${checkpoint.position} that a signed checkpoint holds`,
    };
  }
  if (at.hash !== checkpoint.hash || Number(at.stream_seq) !== checkpoint.streamSeq) {
    return {
      ok: false,
      checkpoint,
      reason: `recomputed chain: the link at position ${checkpoint.position} is not the one the checkpoint signed`,
    };
  }
  return { ok: true, checkpoint };
}

/** What verifying the whole store found beyond the links: completeness against the stream and the latest checkpoint. */
export interface StoreChecks {
  completeness: Completeness;
  checkpoint: CheckpointCheck | null;
}

/** The checks that only the whole store can answer; run at the end of a walk. */
export async function checkStore(sql: Sql, stream: StreamView, publicKeyPem: string | undefined): Promise<StoreChecks> {
  const completeness = await checkCompleteness(sql, stream);
  const latest = await latestCheckpoint(sql);
  return { completeness, checkpoint: latest ? await checkAgainstCheckpoint(sql, latest, publicKeyPem) : null };
}

/** Progress of a walk, after each page. */
export interface WalkProgress {
  checked: number;
  position: number;
  to: number;
}

/**
 * Walks the chain from position `from` to `to` (the head when absent), a page at a time, tied to
 * the link before `from`; reports progress after every page. The first broken link ends the walk.
 */
export async function walkChain(
  sql: Sql,
  range: { from?: number; to?: number; pageSize?: number },
  onProgress: (progress: WalkProgress) => void = () => undefined,
): Promise<ChainVerification & { range: { from: number; to: number } }> {
  const from = Math.max(1, range.from ?? 1);
  const pageSize = range.pageSize ?? 5000;
  const [{ head }] = await sql<{ head: string | null }>(`SELECT max(position) AS head FROM audit.audit_events`);
  const to = Math.min(range.to ?? Number(head ?? 0), Number(head ?? 0));
  let link: ChainLink = CHAIN_START;
  if (from > 1) {
    const [before] = await readRecords(sql, 'audit.audit_events', 'WHERE position = $1', [from - 1]);
    if (!before) throw new Error(`no record at position ${from - 1}, the link the range starts from`);
    link = { position: before.position, hash: before.hash };
  }
  let checked = 0;
  while (link.position < to) {
    const page = await readRecords(sql, 'audit.audit_events', 'WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3', [
      link.position,
      to,
      pageSize,
    ]);
    if (page.length === 0) break;
    const run = verifyRun(page, link);
    if (!run.ok) return { ...run, checked: checked + run.checked, range: { from, to: link.position + run.checked } };
    checked += run.checked;
    link = { position: link.position + run.checked, hash: run.head };
    onProgress({ checked, position: link.position, to });
  }
  if (link.position < to) {
    return {
      ok: false,
      checked,
      firstBrokenLink: { position: link.position + 1, eventId: '', reason: `expected position ${link.position + 1}: a row is missing` },
      range: { from, to: link.position },
    };
  }
  return { ok: true, checked, head: link.hash, range: { from, to } };
}

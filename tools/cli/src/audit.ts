import { existsSync, readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { Topology } from '@jit/events';
import { listCheckpoints, LOCAL_SIGNING_KEY_FILE, type SignedCheckpoint } from '../../../apps/audit/src/chain/checkpoints.js';
import { canonicalJson } from '../../../apps/audit/src/chain/hash.js';
import { checkStore, walkChain, type StoreChecks, type WalkProgress } from '../../../apps/audit/src/chain/store-verification.js';
import { jetStreamView } from '../../../apps/audit/src/chain/stream-view.js';
import type { BrokenLink } from '../../../apps/audit/src/chain/verify.js';
import {
  replayProjection,
  projections,
  type ProjectionName,
  type ReplayProgress,
  type ReplayResult,
} from '../../../apps/audit/src/projections/replay.js';
import { sqlOfClient } from '../../../apps/audit/src/records/sql.js';
import { messagesOf } from './commands.js';

/** Opens the audit database as the operator (the tables' owner), runs `work`, and closes it. */
export async function withAuditDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The public key checkpoints are checked with: a PEM file the auditor kept (`--public-key`), else the
 * public half of the service's key file when this machine has it; without either, signatures are not checked.
 */
export function publicKeyOf(file: string | undefined, signingKeyFile: string | undefined): string | undefined {
  if (file) return readFileSync(file, 'utf8');
  const local = signingKeyFile ?? LOCAL_SIGNING_KEY_FILE;
  if (!existsSync(local)) return undefined;
  return createPublicKey(readFileSync(local)).export({ type: 'spki', format: 'pem' }).toString();
}

/** What `verify` answers: the walk of the range and, when the range is the whole store, completeness and the latest checkpoint. */
export interface VerifyReport extends Partial<StoreChecks> {
  ok: boolean;
  checked: number;
  range: { from: number; to: number };
  head?: string;
  firstBrokenLink?: BrokenLink;
}

/**
 * Verifies the chain over a range (the whole store by default), reporting progress after each page.
 * A whole-store check also compares the store with the stream and with its latest signed checkpoint.
 */
export async function verifyAudit(
  client: pg.Client,
  nc: NatsConnection,
  topology: Topology,
  options: { from?: number; to?: number; publicKey?: string; onProgress?: (progress: WalkProgress) => void },
): Promise<VerifyReport> {
  const sql = sqlOfClient(client);
  const walk = await walkChain(sql, { from: options.from, to: options.to }, options.onProgress);
  if (!walk.ok || options.from !== undefined || options.to !== undefined) return walk;
  const checks = await checkStore(sql, jetStreamView(await jetstreamManager(nc), topology), options.publicKey);
  return { ...walk, ...checks, ok: checks.completeness.ok && (checks.checkpoint?.ok ?? true) };
}

/** Every signed checkpoint, oldest first, each with the public key that checks it. */
export function exportCheckpoints(client: pg.Client): Promise<SignedCheckpoint[]> {
  return listCheckpoints(sqlOfClient(client));
}

/** One event of a request as the stream and the store each hold it. */
export interface RequestEventCompared {
  streamSeq: number;
  id: string;
  type: string;
  inStream: boolean;
  inStore: boolean;
  /** Whether the store holds exactly what the stream does. */
  same: boolean;
}

/** A request's whole history across the stream and the audit store, and whether they agree byte for byte (as canonical JSON). */
export async function requestAcross(
  client: pg.Client,
  nc: NatsConnection,
  topology: Topology,
  requestId: string,
): Promise<{ requestId: string; agree: boolean; events: RequestEventCompared[] }> {
  const published = new Map<number, { id: string; type: string } & Record<string, unknown>>();
  for await (const message of messagesOf(nc, await jetstreamManager(nc), topology.stream)) {
    const raw = safeJson(message.string()) as ({ id: string; type: string; requestId?: unknown } & Record<string, unknown>) | undefined;
    if (raw?.requestId === requestId) published.set(message.seq, raw);
  }
  const { rows } = await client.query<{ stream_seq: string; event: { id: string; type: string } & Record<string, unknown> }>(
    `SELECT stream_seq, event FROM audit.audit_events WHERE request_id = $1 ORDER BY stream_seq`,
    [requestId],
  );
  const recorded = new Map(rows.map((row) => [Number(row.stream_seq), row.event]));
  const seqs = [...new Set([...published.keys(), ...recorded.keys()])].sort((a, b) => a - b);
  if (seqs.length === 0) throw new Error(`no request ${requestId}: neither the stream nor the audit store names it`);
  const events = seqs.map((seq) => {
    const onStream = published.get(seq);
    const inStore = recorded.get(seq);
    const event = (onStream ?? inStore)!;
    return {
      streamSeq: seq,
      id: event.id,
      type: event.type,
      inStream: Boolean(onStream),
      inStore: Boolean(inStore),
      same: Boolean(onStream && inStore && canonicalJson(onStream) === canonicalJson(inStore)),
    };
  });
  return { requestId, agree: events.every((e) => e.same), events };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Rebuilds a projection from the stream and swaps it in; progress goes to `onProgress`. */
export function replay(
  client: pg.Client,
  nc: NatsConnection,
  topology: Topology,
  projection: string,
  fromSeq: number | undefined,
  onProgress: (progress: ReplayProgress) => void,
): Promise<ReplayResult> {
  if (!(projection in projections)) {
    throw new Error(`no projection "${projection}": one of ${Object.keys(projections).join(', ')}`);
  }
  return replayProjection(client, nc, topology, { projection: projection as ProjectionName, fromSeq, onProgress });
}

/** A progress bar on one terminal line: `[#####.....] 50% 12000/24000 seq, 8500 events/s`. */
export function progressBar(done: number, total: number, rate: number, unit: string): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const width = 30;
  const filled = Math.round(share * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}% ${done}/${total} ${unit}, ${Math.round(rate)}/s`;
}

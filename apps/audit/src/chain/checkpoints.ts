import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson } from './hash.js';
import type { Sql } from '../records/sql.js';

/** The head of the chain at a moment, signed: an auditor keeps a copy outside the system and checks the store against it. */
export interface SignedCheckpoint {
  position: number;
  streamSeq: number;
  hash: string;
  signedAt: string;
  /** sha256 of the signing key's public key (SPKI DER), hex: which key to check the signature with. */
  keyId: string;
  /** The signing key's public half (SPKI PEM), so an exported checkpoint can be checked on its own. */
  publicKey: string;
  /** Ed25519 signature of `checkpointPayload`, base64. */
  signature: string;
}

/** Where local mode keeps its generated key when none is configured. */
export const LOCAL_SIGNING_KEY_FILE = '.data/audit-signing-key.pem';

/** The bytes a checkpoint's signature covers: the canonical JSON of its head and time. */
export function checkpointPayload(checkpoint: Pick<SignedCheckpoint, 'position' | 'streamSeq' | 'hash' | 'signedAt'>): Buffer {
  const { position, streamSeq, hash, signedAt } = checkpoint;
  return Buffer.from(canonicalJson({ position, streamSeq, hash, signedAt }));
}

/** Signs heads with one Ed25519 key. */
export class CheckpointSigner {
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyIdOf(publicKey);
  }

  /** Reads the key from `file`; in local mode a missing file is created with a new key (readable by its owner only). */
  static fromFile(file: string, options: { generateIfMissing: boolean }): CheckpointSigner {
    if (!existsSync(file) && options.generateIfMissing) {
      mkdirSync(dirname(file), { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      try {
        writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // Another process created it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const key = createPrivateKey(readFileSync(file));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the checkpoint signing key in ${file} is not an Ed25519 key`);
    return new CheckpointSigner(key);
  }

  sign(head: { position: number; streamSeq: number; hash: string }, at: Date): SignedCheckpoint {
    const unsigned = { ...head, signedAt: at.toISOString() };
    return {
      ...unsigned,
      keyId: this.keyId,
      publicKey: this.publicKeyPem,
      signature: sign(null, checkpointPayload(unsigned), this.privateKey).toString('base64'),
    };
  }
}

/** Whether a checkpoint's signature holds under a public key (PEM). */
export function signatureHolds(checkpoint: SignedCheckpoint, publicKeyPem: string): boolean {
  const publicKey = createPublicKey(publicKeyPem);
  if (keyIdOf(publicKey) !== checkpoint.keyId) return false;
  return verify(null, checkpointPayload(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
}

function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

interface CheckpointRow {
  position: string;
  stream_seq: string;
  hash: string;
  signed_at: Date;
  key_id: string;
  public_key: string;
  signature: string;
}

const columns = 'position, stream_seq, hash, signed_at, key_id, public_key, signature';

function checkpointOf(row: CheckpointRow): SignedCheckpoint {
  return {
    position: Number(row.position),
    streamSeq: Number(row.stream_seq),
    hash: row.hash,
    signedAt: row.signed_at.toISOString(),
    keyId: row.key_id,
    publicKey: row.public_key,
    signature: row.signature,
  };
}

/** Every checkpoint, oldest first. */
export async function listCheckpoints(sql: Sql, schema = 'audit'): Promise<SignedCheckpoint[]> {
  return (await sql<CheckpointRow>(`SELECT ${columns} FROM ${schema}.checkpoints ORDER BY id`)).map(checkpointOf);
}

/** The latest checkpoint, if any. */
export async function latestCheckpoint(sql: Sql, schema = 'audit'): Promise<SignedCheckpoint | undefined> {
  const [row] = await sql<CheckpointRow>(`SELECT ${columns} FROM ${schema}.checkpoints ORDER BY id DESC LIMIT 1`);
  return row && checkpointOf(row);
}

/**
 * Signs the chain's head now and stores the checkpoint, unless the latest one already holds this
 * head (an idle store is not re-signed every interval). Answers the checkpoint of the head, or
 * undefined when the store is empty.
 */
export async function checkpointHead(
  sql: Sql,
  signer: CheckpointSigner,
  now: Date,
  schema = 'audit',
): Promise<SignedCheckpoint | undefined> {
  const [head] = await sql<{ position: string; stream_seq: string; hash: string }>(
    `SELECT position, stream_seq, hash FROM ${schema}.audit_events ORDER BY position DESC LIMIT 1`,
  );
  if (!head) return undefined;
  const latest = await latestCheckpoint(sql, schema);
  if (latest && latest.position === Number(head.position) && latest.hash === head.hash && latest.keyId === signer.keyId) return latest;
  const checkpoint = signer.sign({ position: Number(head.position), streamSeq: Number(head.stream_seq), hash: head.hash }, now);
  await sql(`INSERT INTO ${schema}.checkpoints (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    checkpoint.position,
    checkpoint.streamSeq,
    checkpoint.hash,
    checkpoint.signedAt,
    checkpoint.keyId,
    checkpoint.publicKey,
    checkpoint.signature,
  ]);
  return checkpoint;
}

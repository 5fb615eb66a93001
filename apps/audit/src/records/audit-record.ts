/** One row of the audit store as read back: the event as it was recorded, and its link in the hash chain. */
export interface AuditRecord {
  position: number;
  streamSeq: number;
  recordedAt: string;
  /** The event exactly as recorded (and hashed), in the version it was written in. */
  event: { id: string } & Record<string, unknown>;
  prevHash: string;
  hash: string;
}

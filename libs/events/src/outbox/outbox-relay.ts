import type { JetStreamClient } from '@nats-io/jetstream';
import type { DataSource, EntityManager } from 'typeorm';
import { backoffDelay } from '../retry/backoff.js';
import { silentLogger, type EventLogger } from '../logger.js';
import { PgListener } from '../notify/pg-listener.js';
import { outboxChannel, schemaOf, tableOf } from '../schema.js';
import { eventMetrics } from '../metrics.js';

/** Tuning of the relay; the defaults suit one machine. */
export interface OutboxRelayOptions {
  dataSource: DataSource;
  jetstream: JetStreamClient;
  logger?: EventLogger;
  /** Rows published per transaction under load. */
  batchSize?: number;
  /** Poll while not listening (no LISTEN connection), or after another replica held the outbox. */
  pollMs?: number;
  /**
   * Poll while listening: every row is announced when it commits and a lost LISTEN connection wakes
   * the relay, so this only bounds what a notification silently lost would wait.
   */
  quietPollMs?: number;
  /** Cap of the delay between attempts while NATS is unreachable. */
  maxBackoffMs?: number;
  /** How long one publish may wait for JetStream's ack. */
  publishTimeoutMs?: number;
}

interface PendingRow {
  id: string;
  subject: string;
  event: unknown;
}

/**
 * Publishes committed outbox rows to JetStream in insertion order, with `Nats-Msg-Id` set to the
 * event id: JetStream drops a second publish of the same id within the stream's duplicate window,
 * so a relay that dies between publishing and marking a row sent causes no duplicate. Only one
 * relay per schema publishes at a time (a transaction-scoped advisory lock), which keeps the
 * order of the outbox when a service runs several replicas.
 */
export class OutboxRelay {
  private readonly logger: EventLogger;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly quietPollMs: number;
  private readonly maxBackoffMs: number;
  private readonly publishTimeoutMs: number;
  private readonly schema: string;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Set by a NOTIFY; a notification that arrives mid-batch must not be lost to the next sleep. */
  private notified = false;
  private readonly listener: PgListener;

  constructor(private readonly options: OutboxRelayOptions) {
    this.logger = options.logger ?? silentLogger;
    this.batchSize = options.batchSize ?? 200;
    this.pollMs = options.pollMs ?? 1000;
    this.quietPollMs = Math.max(this.pollMs, options.quietPollMs ?? 10_000);
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5000;
    this.schema = schemaOf(options.dataSource);
    this.listener = new PgListener(options.dataSource, outboxChannel(this.schema), () => this.notify(), this.logger);
  }

  /** Starts publishing in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight; rows not yet published stay for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    await this.listener.close();
  }

  /** Publishes everything pending now; returns how many rows were published. For tests and ops. */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const { published, failed } = await this.publishBatch();
      total += published;
      if (failed) throw failed;
      if (published < this.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const listening = await this.listener.listen();
      let full = false;
      let pause = this.pollMs;
      this.notified = false;
      try {
        const { published, failed, locked } = await this.publishBatch();
        if (failed) throw failed;
        full = published === this.batchSize;
        if (listening && locked) pause = this.quietPollMs;
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.warn({ err: error, schema: this.schema, failures }, 'outbox relay could not publish; retrying');
      }
      if (!this.running) break;
      if (failures > 0) await this.sleep(backoffDelay(failures + 1, { baseMs: 100, maxMs: this.maxBackoffMs }));
      else if (!full) await this.sleep(pause);
    }
  }

  private async publishBatch(): Promise<{ published: number; failed?: unknown; locked: boolean }> {
    return this.options.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`${this.schema}.outbox`]);
      if (!locked) return { published: 0, locked };
      const rows: PendingRow[] = await manager.query(
        `SELECT id, subject, event FROM ${tableOf(manager, 'outbox')}
         WHERE published_at IS NULL ORDER BY position LIMIT $1`,
        [this.batchSize],
      );
      const done: string[] = [];
      let failed: unknown;
      for (const row of rows) {
        try {
          await this.options.jetstream.publish(row.subject, JSON.stringify(row.event), {
            msgID: row.id,
            timeout: this.publishTimeoutMs,
          });
          done.push(row.id);
        } catch (error) {
          failed = error;
          await this.recordFailure(manager, row.id, error);
          break;
        }
      }
      if (done.length > 0) {
        await manager.query(`UPDATE ${tableOf(manager, 'outbox')} SET published_at = now() WHERE id = ANY($1)`, [done]);
        eventMetrics().published.inc({ schema: this.schema }, done.length);
      }
      return { published: done.length, failed, locked };
    });
  }

  private async recordFailure(manager: EntityManager, id: string, error: unknown): Promise<void> {
    await manager.query(`UPDATE ${tableOf(manager, 'outbox')} SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
      id,
      String(error),
    ]);
  }

  private notify(): void {
    this.notified = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.notified || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

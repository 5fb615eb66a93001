import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { silentLogger, type EventLogger } from '../logger.js';
import { schemaOf } from '../schema.js';

/** The NOTIFY channel of one kind of work in one service's schema, e.g. `provisioner_revocations`. */
export function workChannel(source: DataSource | EntityManager, work: string): string {
  return `${schemaOf(source)}_${work}`;
}

/**
 * Announces work inside the caller's transaction. Postgres delivers a NOTIFY only when the
 * transaction commits (and folds duplicates within one), so a listener never wakes before the work
 * is visible, and a rolled-back change wakes nobody.
 */
export async function announce(manager: EntityManager, channel: string): Promise<void> {
  await manager.query(`SELECT pg_notify($1, '')`, [channel]);
}

/**
 * Holds one pooled connection that LISTENs on a channel and calls `onNotify` for each notification.
 * Notifications only shorten a wait: a lost connection is logged and re-acquired on the next
 * `listen()`, and the caller keeps polling meanwhile.
 */
export class PgListener {
  private client?: PoolClient;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: string,
    private readonly onNotify: () => void,
    private readonly logger: EventLogger = silentLogger,
  ) {}

  /** Subscribes, unless subscribed already; returns whether it is listening. */
  async listen(): Promise<boolean> {
    if (this.client) return true;
    try {
      const pool = (this.dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } }).master;
      const client = await pool.connect();
      client.on('notification', () => this.onNotify());
      client.on('error', (error) => {
        this.logger.warn({ err: error, channel: this.channel }, 'LISTEN connection lost; polling until it is back');
        if (this.client === client) this.client = undefined;
        client.release(error);
      });
      await client.query(`LISTEN "${this.channel}"`);
      this.client = client;
      return true;
    } catch (error) {
      this.logger.warn({ err: error, channel: this.channel }, 'cannot LISTEN; polling');
      return false;
    }
  }

  /** Unsubscribes and gives the connection back. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query(`UNLISTEN "${this.channel}"`);
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
  }
}

import pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { silentLogger, type EventLogger } from '../logger.js';
import { schemaOf } from '../schema.js';

/** The NOTIFY channel of one kind of work in one service's schema, e.g. `provisioner_revoking`. */
export function workChannel(source: DataSource | EntityManager, work: string): string {
  return `${schemaOf(source)}_${work}`;
}

/**
 * Announces work inside the caller's transaction. Postgres delivers a NOTIFY only when the
 * transaction commits (and folds duplicates within one), so a listener never wakes before the work
 * is visible, and a rolled-back change wakes nobody. `dueAt`, when the work falls due later than
 * now, lets a listener already set to wake before then sleep on.
 */
export async function announce(manager: EntityManager, channel: string, dueAt?: Date): Promise<void> {
  await manager.query(`SELECT pg_notify($1, $2)`, [channel, dueAt?.toISOString() ?? '']);
}

/**
 * One connection per data source that LISTENs on every channel its listeners want. It is a
 * connection of its own, outside the pool: a LISTEN holds its connection for good, and the pool is
 * for short transactions (a pool of 4 must not lose all 4 to listeners).
 */
class NotificationHub {
  private client?: pg.Client;
  private connecting?: Promise<pg.Client | undefined>;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();

  constructor(
    private readonly url: string,
    private readonly applicationName?: string,
  ) {}

  /**
   * Adds a handler (again is a no-op) and makes sure the connection is up and listens on its
   * channel; false when Postgres cannot be reached now. A new connection listens on every channel.
   */
  async subscribe(channel: string, handler: (payload: string) => void, logger: EventLogger): Promise<boolean> {
    const connected = this.client;
    const known = this.handlers.get(channel);
    if (known) known.add(handler);
    else this.handlers.set(channel, new Set([handler]));
    if (!connected) return (await this.connect(logger)) !== undefined;
    if (!known) await connected.query(`LISTEN "${channel}"`);
    return true;
  }

  /** Removes a handler; the last one out closes the connection. */
  async unsubscribe(channel: string, handler: (payload: string) => void): Promise<void> {
    const set = this.handlers.get(channel);
    set?.delete(handler);
    if (set?.size === 0) this.handlers.delete(channel);
    if (this.handlers.size > 0 || !this.client) return;
    const client = this.client;
    this.client = undefined;
    await client.end().catch(() => undefined);
  }

  private connect(logger: EventLogger): Promise<pg.Client | undefined> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open(logger).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(logger: EventLogger): Promise<pg.Client | undefined> {
    const client = new pg.Client({ connectionString: this.url, application_name: this.applicationName });
    // Listening before the connection is up: Postgres going down can send its FATAL in the same
    // read as the connection's ReadyForQuery, before `await connect()` resumes here, and an 'error'
    // nobody listens to ends the process.
    client.on('error', (error) => {
      logger.warn({ err: error }, 'LISTEN connection lost; polling until it is back');
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      // Notifications sent while it was down are lost: every listener looks for work now (and listens again).
      for (const handlers of this.handlers.values()) handlers.forEach((handler) => handler(''));
    });
    try {
      await client.connect();
      client.on('notification', (message) => this.handlers.get(message.channel)?.forEach((handler) => handler(message.payload ?? '')));
      for (const channel of this.handlers.keys()) await client.query(`LISTEN "${channel}"`);
      this.client = client;
      return client;
    } catch (error) {
      logger.warn({ err: error }, 'cannot LISTEN; polling');
      await client.end().catch(() => undefined);
      return undefined;
    }
  }
}

const hubs = new WeakMap<DataSource, NotificationHub>();

function hubOf(dataSource: DataSource): NotificationHub {
  let hub = hubs.get(dataSource);
  if (!hub) {
    const { url, applicationName } = dataSource.options as { url?: string; applicationName?: string };
    if (!url) throw new Error('LISTEN needs the data source to be configured with a url');
    hub = new NotificationHub(url, applicationName && `${applicationName}-listen`);
    hubs.set(dataSource, hub);
  }
  return hub;
}

/**
 * Calls `onNotify` with each notification's payload on a channel (empty when a lost connection
 * means notifications may have been missed). Notifications only shorten a wait: a lost
 * connection is logged and taken up again on the next `listen()`, and the caller keeps polling
 * meanwhile. Every listener of a data source shares one connection, outside the pool.
 */
export class PgListener {
  private subscribed = false;
  private readonly handler = (payload: string): void => this.onNotify(payload);

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: string,
    private readonly onNotify: (payload: string) => void,
    private readonly logger: EventLogger = silentLogger,
  ) {}

  /** Subscribes, or takes a lost connection up again; cheap when already listening. Returns whether it is listening. */
  async listen(): Promise<boolean> {
    this.subscribed = true;
    return hubOf(this.dataSource).subscribe(this.channel, this.handler, this.logger);
  }

  /** Unsubscribes; the last listener of a data source closes the shared connection. */
  async close(): Promise<void> {
    if (!this.subscribed) return;
    this.subscribed = false;
    await hubOf(this.dataSource).unsubscribe(this.channel, this.handler);
  }
}

import pg from 'pg';
import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import { CreateOutboxAndInbox1764000000000 } from './migrations/1764000000000-create-outbox-and-inbox.js';
import { AnnounceOutboxRows1764000900000 } from './migrations/1764000900000-announce-outbox-rows.js';
import { ProcessedEvent } from './inbox/processed-event.entity.js';
import { OutboxRecord } from './outbox/outbox-record.entity.js';

/** What a service's data source is made of. */
export interface ServiceDatabaseOptions {
  url: string;
  /** The service's own Postgres schema; it never reads another's. */
  schema: string;
  entities?: MixedList<Function>;
  migrations?: MixedList<Function>;
  poolSize?: number;
}

/** The outbox and inbox entities every service carries. */
export const eventEntities = [OutboxRecord, ProcessedEvent];

/** The outbox and inbox migrations every service runs before its own. */
export const eventMigrations = [CreateOutboxAndInbox1764000000000, AnnounceOutboxRows1764000900000];

/**
 * A pool connection that never crashes its process. When Postgres ends a session (a restart, a
 * failover, `pg_terminate_backend`), the connection emits 'error'; the pool listens only while the
 * connection sits idle in it, and TypeORM not at all while it is checked out, so a transaction
 * waiting between two statements took the whole service down. The error is already the next
 * statement's: it fails, the transaction rolls back, and the pool drops the dead connection.
 */
export class ServiceClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

/** Pool settings for a service's data source (TypeORM's `extra`): `max` connections of the crash-proof kind. */
export function poolOptions(max: number): { max: number; Client: typeof pg.Client } {
  return { max, Client: ServiceClient };
}

/** TypeORM options for a service: its schema, its entities plus the outbox and inbox, migrations never `synchronize`. */
export function serviceDataSourceOptions(options: ServiceDatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: [...eventEntities, ...asArray(options.entities)],
    migrations: [...eventMigrations, ...asArray(options.migrations)],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    // Names the service in pg_stat_activity and the server's log.
    applicationName: `jit-${options.schema}`,
    extra: poolOptions(options.poolSize ?? 20),
  };
}

/**
 * Creates the schema and applies pending migrations, holding an advisory lock so replicas that
 * start together do not race each other.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  const schema = (dataSource.options as { schema: string }).schema;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`${schema}.migrations`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`${schema}.migrations`]).catch(() => undefined);
    await runner.release();
  }
}

/** Whether every migration of the data source has been applied. */
export async function migrationsApplied(dataSource: DataSource): Promise<boolean> {
  return !(await dataSource.showMigrations());
}

/** Opens a service's data source. */
export async function openDataSource(options: ServiceDatabaseOptions): Promise<DataSource> {
  return new DataSource(serviceDataSourceOptions(options)).initialize();
}

function asArray<T>(list: MixedList<T> | undefined): T[] {
  if (!list) return [];
  return Array.isArray(list) ? list : Object.values(list);
}

import type { DataSource, EntityManager } from 'typeorm';

/** The Postgres schema a service's data source writes to. */
export function schemaOf(source: DataSource | EntityManager): string {
  const options = 'connection' in source ? source.connection.options : source.options;
  const schema = 'schema' in options ? options.schema : undefined;
  if (!schema) throw new Error('the data source has no schema: every service owns one');
  return schema;
}

/** A quoted, schema-qualified table name. */
export function tableOf(source: DataSource | EntityManager, table: string): string {
  return `"${schemaOf(source)}"."${table}"`;
}

/** The LISTEN/NOTIFY channel that wakes a schema's outbox relay. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { tableOf } from './schema.js';

/**
 * An entity's rows read and written with plain SQL, the columns named from its TypeORM metadata: for
 * the hot paths, where building each statement through TypeORM's query builder cost more CPU than
 * the statement. Values travel as parameters; a jsonb value as its JSON text (pg would send an array
 * as a Postgres array), SQL NULL kept. Rows read come back as plain objects with the entity's
 * properties, not instances of its class.
 */
export class EntityRows<Entity extends ObjectLiteral> {
  constructor(private readonly target: EntityTarget<Entity>) {}

  /** The row whose primary key column `key` equals `id`, locked until the transaction ends. */
  async lockOne(manager: EntityManager, key: keyof Entity & string, id: unknown): Promise<Entity | undefined> {
    const [row] = await manager.query(`SELECT * FROM ${this.table(manager)} WHERE ${this.column(manager, key)} = $1 FOR UPDATE`, [id]);
    return row && this.entityOf(manager, row);
  }

  /** Inserts one row. */
  async insert(manager: EntityManager, values: Partial<Entity>): Promise<void> {
    const { names, params } = this.columns(manager, values);
    await manager.query(
      `INSERT INTO ${this.table(manager)} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
      params,
    );
  }

  /** Sets some columns of the row whose column `key` equals `id`. */
  async update(manager: EntityManager, key: keyof Entity & string, id: unknown, values: Partial<Entity>): Promise<void> {
    const { names, params } = this.columns(manager, values);
    const sets = names.map((name, i) => `${name} = $${i + 2}`).join(', ');
    await manager.query(`UPDATE ${this.table(manager)} SET ${sets} WHERE ${this.column(manager, key)} = $1`, [id, ...params]);
  }

  private entityOf(manager: EntityManager, row: Record<string, unknown>): Entity {
    const entity: ObjectLiteral = {};
    for (const column of manager.connection.getMetadata(this.target).columns) entity[column.propertyName] = row[column.databaseName];
    return entity as Entity;
  }

  private columns(manager: EntityManager, values: Partial<Entity>): { names: string[]; params: unknown[] } {
    const metadata = manager.connection.getMetadata(this.target);
    const names: string[] = [];
    const params: unknown[] = [];
    for (const [property, value] of Object.entries(values)) {
      const column = metadata.findColumnWithPropertyName(property);
      // As TypeORM's own insert and update: a property left undefined is a column left as it is, one with no column is not stored.
      if (value === undefined || !column) continue;
      names.push(`"${column.databaseName}"`);
      params.push(column.type === 'jsonb' && value !== null ? JSON.stringify(value) : value);
    }
    return { names, params };
  }

  private column(manager: EntityManager, property: string): string {
    return `"${manager.connection.getMetadata(this.target).findColumnWithPropertyName(property)!.databaseName}"`;
  }

  private table(manager: EntityManager): string {
    return tableOf(manager, manager.connection.getMetadata(this.target).tableName);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, tableOf } from '@jit/events';
import { IDENTITY_PROVIDER, type IdentityProvider } from './identity-provider.js';

/**
 * The Okta user id of each person, looked up in Okta once and kept in Postgres, so a grant costs
 * one Okta call (the add) rather than two. Okta ids never change for a user; a user deleted (and
 * perhaps created again under the same login) answers 404, and the caller then forgets the id.
 * Logins are compared as Okta compares them, ignoring case.
 */
@Injectable()
export class OktaUsers {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
  ) {}

  /** The Okta user id of `login`, remembered or looked up; undefined when Okta has no such user. */
  async idOf(login: string): Promise<string | undefined> {
    const { manager } = this.dataSource;
    const table = tableOf(manager, 'okta_users');
    const rows: Array<{ okta_user_id: string }> = await manager.query(`SELECT okta_user_id FROM ${table} WHERE login = $1`, [
      login.toLowerCase(),
    ]);
    if (rows[0]) return rows[0].okta_user_id;
    const found = await this.idp.findUserId(login);
    if (!found) return undefined;
    await manager.query(
      `INSERT INTO ${table} (login, okta_user_id, resolved_at) VALUES ($1, $2, $3)
       ON CONFLICT (login) DO UPDATE SET okta_user_id = EXCLUDED.okta_user_id, resolved_at = EXCLUDED.resolved_at`,
      [login.toLowerCase(), found, this.clock.now()],
    );
    return found;
  }

  /** Forgets the id remembered for `login` (Okta answered 404 for it); the next `idOf` looks it up again. */
  async forget(login: string): Promise<void> {
    const { manager } = this.dataSource;
    await manager.query(`DELETE FROM ${tableOf(manager, 'okta_users')} WHERE login = $1`, [login.toLowerCase()]);
  }
}

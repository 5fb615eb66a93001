import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, tableOf } from '@jit/events';
import { IDENTITY_PROVIDER, type DirectoryUser, type IdentityProvider } from './identity-provider.js';

/**
 * The Okta user id of each person, looked up in Okta once and kept in Postgres, so a grant costs
 * one Okta call (the add) rather than two. Okta ids never change for a user; a user deleted (and
 * perhaps created again under the same login) answers 404, and the id is then forgotten.
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
    return (await this.remembered(login)) ?? (await this.lookUp(login))?.id;
  }

  /** The user `login` names now, read from Okta (by the remembered id when there is one); undefined when Okta has no such user. */
  async current(login: string): Promise<DirectoryUser | undefined> {
    const id = await this.remembered(login);
    if (!id) return this.lookUp(login);
    const user = await this.idp.findUser(id);
    if (user) return user;
    await this.forget(login);
    return this.lookUp(login);
  }

  /** Forgets the id remembered for `login` (Okta answered 404 for it); the next `idOf` looks it up again. */
  async forget(login: string): Promise<void> {
    const { manager } = this.dataSource;
    await manager.query(`DELETE FROM ${tableOf(manager, 'okta_users')} WHERE login = $1`, [login.toLowerCase()]);
  }

  private async remembered(login: string): Promise<string | undefined> {
    const { manager } = this.dataSource;
    const rows: Array<{ okta_user_id: string }> = await manager.query(
      `SELECT okta_user_id FROM ${tableOf(manager, 'okta_users')} WHERE login = $1`,
      [login.toLowerCase()],
    );
    return rows[0]?.okta_user_id;
  }

  private async lookUp(login: string): Promise<DirectoryUser | undefined> {
    const user = await this.idp.findUser(login);
    if (!user) return undefined;
    const { manager } = this.dataSource;
    await manager.query(
      `INSERT INTO ${tableOf(manager, 'okta_users')} (login, okta_user_id, resolved_at) VALUES ($1, $2, $3)
       ON CONFLICT (login) DO UPDATE SET okta_user_id = EXCLUDED.okta_user_id, resolved_at = EXCLUDED.resolved_at`,
      [login.toLowerCase(), user.id, this.clock.now()],
    );
    return user;
  }
}

import type { VendorSim } from '../../../../tools/vendor-sim/src/index.js';

/** What an Okta administrator does by hand, through the simulator's Okta API (never through the provisioner). */
export class OktaAdmin {
  constructor(private readonly sim: VendorSim) {}

  /** Adds a member to a group, as someone editing Okta by hand. */
  async addMember(groupId: string, userId: string): Promise<void> {
    await this.call('PUT', `/api/v1/groups/${groupId}/users/${userId}`, 204);
  }

  /** Removes a member from a group by hand. */
  async removeMember(groupId: string, userId: string): Promise<void> {
    await this.call('DELETE', `/api/v1/groups/${groupId}/users/${userId}`, 204);
  }

  /** Deletes a group. */
  async deleteGroup(groupId: string): Promise<void> {
    await this.call('DELETE', `/api/v1/groups/${groupId}`, 204);
  }

  /** Deactivates a user (status DEPROVISIONED). */
  async deactivate(userId: string): Promise<void> {
    await this.call('POST', `/api/v1/users/${userId}/lifecycle/deactivate`, 200);
  }

  /** Suspends a user (status SUSPENDED). */
  async suspend(userId: string): Promise<void> {
    await this.call('POST', `/api/v1/users/${userId}/lifecycle/suspend`, 200);
  }

  /** Deletes a user for good: Okta deactivates on the first DELETE and deletes on the second. */
  async deleteUser(userId: string): Promise<void> {
    await this.call('DELETE', `/api/v1/users/${userId}`, 204);
    await this.call('DELETE', `/api/v1/users/${userId}`, 204);
  }

  /** Creates an active user; their new Okta id. */
  async createUser(login: string): Promise<string> {
    const response = await this.call('POST', '/api/v1/users?activate=true', 200, {
      profile: { login, email: login, firstName: 'Again', lastName: 'Created' },
    });
    return ((await response.json()) as { id: string }).id;
  }

  private async call(method: string, path: string, expected: number, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.sim.url}${path}`, {
      method,
      headers: { authorization: 'SSWS x', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response;
  }
}

import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { createEvent, type AccessEvent, type Clock, type EventDraft, type Topology } from '@jit/events';
import { eventsOf, publish, waitFor } from '@jit/events/testing';
import { requested } from './requested.js';

/** Plays the other services' part for a provisioner under test: requests, approvals, expiries, revoke requests. */
export class RequestDriver {
  constructor(
    private readonly nc: NatsConnection,
    private readonly topology: Topology,
    private readonly clock: Clock,
  ) {}

  /** Publishes one event of a request. */
  async send(requestId: string, draft: EventDraft, actor = 'service:test'): Promise<AccessEvent> {
    const event = createEvent(draft, { requestId, actor }, this.clock);
    await publish(this.nc, this.topology, event);
    return event;
  }

  /** A new request of `requester` for access through `groupId` (to `applicationId`); its id. */
  async request(requester: string, groupId: string, applicationId?: string): Promise<string> {
    const requestId = randomUUID();
    await this.send(requestId, { type: 'requested', data: requested(requester, groupId, applicationId) }, requester);
    return requestId;
  }

  /** The final approval of a request. */
  async approve(requestId: string): Promise<void> {
    await this.send(requestId, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } }, 'bob@example.com');
  }

  /** A request approved and granted; its `granted` event. */
  async grant(requester: string, groupId: string, applicationId?: string): Promise<AccessEvent<'granted'>> {
    const requestId = await this.request(requester, groupId, applicationId);
    await this.approve(requestId);
    return this.first('granted', requestId);
  }

  /** The scheduler's `expired` for a granted request. */
  async expire(granted: AccessEvent<'granted'>): Promise<void> {
    await this.send(granted.requestId, { type: 'expired', data: { expiresAt: granted.data.expiresAt } }, 'service:scheduler');
  }

  /** The requester gives access back early. */
  async relinquish(requestId: string, requester: string): Promise<void> {
    await this.send(requestId, { type: 'revoke_requested', data: { reason: 'relinquished', by: requester } }, requester);
  }

  /** The first event of `type` the provisioner published for a request, once there is one. */
  async first<T extends AccessEvent['type']>(type: T, requestId: string): Promise<AccessEvent<T>> {
    const [found] = await waitFor(
      async () => {
        const events = await eventsOf(this.nc, this.topology, type, requestId);
        return events.length > 0 && events;
      },
      { what: `a ${type} event for ${requestId}` },
    );
    return found;
  }

  /** Every event of `type` published for a request so far. */
  all<T extends AccessEvent['type']>(type: T, requestId: string): Promise<AccessEvent<T>[]> {
    return eventsOf(this.nc, this.topology, type, requestId);
  }
}

import type { EventType } from '../contracts/registry.js';

/** The services that connect to the bus, each as its own NATS user named like the service. */
export const busServices = ['intake', 'approval', 'provisioner', 'scheduler', 'audit'] as const;

/** A service that connects to the bus. */
export type BusService = (typeof busServices)[number];

/** Every NATS user of the system: the services, and the ops CLI that lists and retries dead letters. */
export const busUsers = [...busServices, 'cli'] as const;

/** A NATS user of the system. */
export type BusUser = (typeof busUsers)[number];

/**
 * Which service publishes each event type: the single source of truth for the bus's publish
 * permissions (the generated server configuration and its tests). A `Record` over every type, so a
 * new event type does not compile until someone decides who may publish it.
 *
 * The provisioner also owns `cancelled` and `revoke_requested`, the two types intake publishes for
 * people: its reconciliation closes the pending requests of a person deactivated in the directory
 * and asks to end access nothing explains. Both only ever end access, so the privilege they add is
 * to take access away, never to give it; routing them through intake would make the provisioner's
 * safety loop depend on another service being up. See docs/adr/0004-bus-permissions.md.
 */
export const eventOwners: Record<EventType, readonly BusService[]> = {
  requested: ['intake'],
  cancelled: ['intake', 'provisioner'],
  revoke_requested: ['intake', 'provisioner'],
  approval_opened: ['approval'],
  approval_escalated: ['approval'],
  approved: ['approval'],
  denied: ['approval'],
  granted: ['provisioner'],
  grant_retrying: ['provisioner'],
  grant_failed: ['provisioner'],
  revoked: ['provisioner'],
  revoke_failed: ['provisioner'],
  ticket_opened: ['provisioner'],
  ticket_closed: ['provisioner'],
  expired: ['scheduler'],
  // Intake takes extensions over its API; approval takes the Extend button of its Slack notice.
  extension_requested: ['intake', 'approval'],
  extension_approved: ['approval'],
  extension_denied: ['approval'],
  // The provisioner owns the grant's expiry: it moves it, then says so.
  extended: ['provisioner'],
};

/** The event types a service may publish. */
export function eventsOwnedBy(service: BusService): EventType[] {
  return (Object.keys(eventOwners) as EventType[]).filter((type) => eventOwners[type].includes(service));
}

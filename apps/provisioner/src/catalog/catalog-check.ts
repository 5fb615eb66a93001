import type { Catalog } from '@jit/catalog';
import { formatDuration } from '@jit/events';

/**
 * Why the catalog does not back a grant, or undefined when it does. The provisioner adds people
 * only to the group of an application it knows, whatever an event names: a `requested` event
 * carries the group and the duration, and an event that reached the bus by another way must not
 * open any group, nor hold one open longer than the application allows.
 */
export function catalogRefusal(
  catalog: Catalog,
  grant: { applicationId: string; oktaGroupId: string; durationSeconds: number },
): string | undefined {
  const application = catalog.find(grant.applicationId);
  if (!application) return `the catalog has no application "${grant.applicationId}"; nothing was granted`;
  if (application.oktaGroupId !== grant.oktaGroupId) {
    return `the catalog grants ${application.id} through Okta group ${application.oktaGroupId}, not ${grant.oktaGroupId}; nothing was granted`;
  }
  if (grant.durationSeconds > application.maxDurationSeconds) {
    return `${formatDuration(grant.durationSeconds)} is longer than ${application.id} allows (${formatDuration(application.maxDurationSeconds)}); nothing was granted`;
  }
  return undefined;
}

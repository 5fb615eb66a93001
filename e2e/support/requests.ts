import { waitFor } from '@jit/events/testing';
import { seedPeople } from '../../tools/vendor-sim/src/index.js';
import { ApiClient, oktaGroupMembers, type RunningSystem } from './system.js';

/** A request as `GET /v1/requests/:id` shows it. */
export interface RequestView {
  id: string;
  requester: string;
  applicationId: string;
  status: string;
  reason: string | null;
  grantedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Asks for access as `requester` (through the demo key acting on their behalf) and returns the request id. */
export async function requestAccess(
  system: RunningSystem,
  requester: string,
  applicationId: string,
  duration: string,
  justification = 'e2e: fault injection',
): Promise<string> {
  const created = await ApiClient.apiKey(system).call('intake', 'POST', '/v1/requests', {
    applicationId,
    duration,
    justification,
    requester,
  });
  if (created.status !== 202) throw new Error(`the request was answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

/** The request as intake shows it now. */
export async function requestView(system: RunningSystem, id: string): Promise<RequestView> {
  const { status, body } = await ApiClient.apiKey(system).call('intake', 'GET', `/v1/requests/${id}`);
  if (status !== 200) throw new Error(`GET /v1/requests/${id} answered ${status}`);
  return body as RequestView;
}

/** Waits until the request shows `status` and returns it. */
export async function waitForStatus(system: RunningSystem, id: string, status: string, timeoutMs = 30_000): Promise<RequestView> {
  let last: RequestView | undefined;
  try {
    return await waitFor(
      async () => {
        last = await requestView(system, id);
        return last.status === status && last;
      },
      { timeoutMs, intervalMs: 100, what: `request ${id} ${status}` },
    );
  } catch (error) {
    // Where it stopped instead: its view and the events the audit store holds of it.
    const types = await timeline(system, id).then(
      (events) => events.map((e) => e.type).join(', '),
      () => 'unreadable',
    );
    throw new Error(`${(error as Error).message}; its view: ${JSON.stringify(last)}; its events: ${types}`, { cause: error });
  }
}

/** Ends access early as the requester would ("relinquished"). */
export async function relinquish(system: RunningSystem, id: string, requester: string): Promise<void> {
  const response = await (await ApiClient.as(system, requester)).call('intake', 'POST', `/v1/requests/${id}/revoke`);
  if (response.status !== 202) throw new Error(`relinquishing ${id} was answered ${response.status}: ${JSON.stringify(response.body)}`);
}

/** A request's events as the audit store holds them, in stream order. */
export async function timeline(system: RunningSystem, id: string): Promise<{ id: string; type: string; data: any; occurredAt: string }[]> {
  const auditor = await ApiClient.as(system, seedPeople.dave.email);
  const { status, body } = await auditor.call('audit', 'GET', `/v1/audit/requests/${id}/timeline`);
  return status === 200 ? body.events : [];
}

/** A request's recorded events once `done` says the audit store has caught up with what the test waits for. */
export function timelineOnce(
  system: RunningSystem,
  id: string,
  done: (types: string[]) => boolean,
  timeoutMs = 30_000,
): Promise<{ id: string; type: string; data: any; occurredAt: string }[]> {
  return waitFor(
    async () => {
      const events = await timeline(system, id);
      return done(events.map((e) => e.type)) && events;
    },
    { timeoutMs, intervalMs: 200, what: `the timeline of ${id}` },
  );
}

/** The types of a request's recorded events, once `done` says the timeline is complete. */
export async function timelineTypesOnce(
  system: RunningSystem,
  id: string,
  done: (types: string[]) => boolean,
  timeoutMs = 30_000,
): Promise<string[]> {
  return (await timelineOnce(system, id, done, timeoutMs)).map((e) => e.type);
}

/** Whether the Okta user is in the group now, read through the simulator's Okta API. */
export async function isMember(system: RunningSystem, groupId: string, oktaUserId: string): Promise<boolean> {
  return (await oktaGroupMembers(system, groupId)).includes(oktaUserId);
}

/** Waits until the Okta user is (or, with `member` false, is no longer) in the group. */
export function waitForMembership(
  system: RunningSystem,
  groupId: string,
  oktaUserId: string,
  member: boolean,
  timeoutMs = 30_000,
): Promise<true> {
  return waitFor(async () => (await isMember(system, groupId, oktaUserId)) === member, {
    timeoutMs,
    intervalMs: 100,
    what: `${oktaUserId} ${member ? 'in' : 'out of'} ${groupId}`,
  });
}

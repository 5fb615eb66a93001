import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { DEMO_CATALOG_FILE, readCatalog } from '@jit/catalog';
import { decodeEvent, subjectFor } from '@jit/events';
import { waitFor } from '@jit/events/testing';
import { seedPeople } from '../../tools/vendor-sim/src/index.js';
import { root } from './processes.js';
import { ApiClient, oktaGroupMembers, type RunningSystem } from './system.js';

/** What a test made. */
export interface InvariantScope {
  /** The test's requests: their events are counted on the stream and in the audit store. */
  requestIds: string[];
  /** How long the system may take to settle (revocations retried, events recorded) before a broken invariant fails the test. */
  timeoutMs?: number;
}

/** An event as the audit API shows it. */
interface AuditedEvent {
  id: string;
  type: string;
  requestId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** What the audit trail says one request's grant is. */
interface GrantRecord {
  requestId: string;
  oktaGroupId: string;
  oktaUserId: string;
  expiresAt: number;
  revoked: boolean;
  /** The grant found the person already a member of a shared group: a membership it neither made nor ends. */
  preexisting: boolean;
}

/**
 * Waits until the system's promises hold, and fails listing each one still broken at the deadline:
 * no Okta member of a catalog group that an active grant or a membership recorded as pre-existing
 * (by a grant to someone already in a shared group) does not explain; every grant past its expiry
 * revoked (and so out of Okta); every event of the test's requests once in the audit store, as many
 * as the stream holds; at most one `granted` and one `revoked` per request.
 */
export async function expectInvariants(system: RunningSystem, scope: InvariantScope): Promise<void> {
  let violations: string[] | undefined;
  const held = await waitFor(
    async () => {
      violations = await invariantViolations(system, scope);
      return violations.length === 0;
    },
    { timeoutMs: scope.timeoutMs ?? 30_000, intervalMs: 250, what: 'the invariants to hold' },
  ).catch((error: Error) => error);
  // Checked at least once and found broken: name what is broken; never checked: say why.
  if (held !== true) expect(violations ?? held.message).toEqual([]);
}

/** Every broken invariant, as a sentence naming the request, member or event. */
export async function invariantViolations(system: RunningSystem, scope: InvariantScope): Promise<string[]> {
  const audited = await auditedEvents(system);
  const now = Date.now();
  const grants = grantRecords(audited);
  return [
    ...duplicateIds(audited),
    ...onceGrantedOnceRevoked(audited, scope.requestIds),
    ...(await streamMatchesAudit(system, audited, scope.requestIds)),
    ...grants
      .filter((g) => !g.revoked && g.expiresAt <= now)
      .map((g) => `${g.requestId}: past its expiry (${iso(g.expiresAt)}) and not revoked`),
    ...(await unexplainedMembers(system, grants, now)),
  ];
}

/** Every event in the audit store, through the auditors' API, in chain order. */
async function auditedEvents(system: RunningSystem): Promise<AuditedEvent[]> {
  const auditor = await ApiClient.as(system, seedPeople.dave.email);
  const events: AuditedEvent[] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await auditor.call('audit', 'GET', `/v1/audit/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    if (status !== 200) throw new Error(`the audit API answered ${status}: ${JSON.stringify(body)}`);
    events.push(...(body.events as AuditedEvent[]));
    cursor = body.nextCursor;
  } while (cursor !== null);
  return events;
}

/** The ids of every valid event on the system's stream (on the subject of its type), in stream order, with their requests. */
async function streamEventIds(system: RunningSystem): Promise<{ id: string; requestId: string; type: string }[]> {
  const nc = await connect({ servers: system.natsUrl, name: 'jest-invariants' });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(system.stream);
    const found: { id: string; requestId: string; type: string }[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(system.stream, { seq }).catch(() => null);
      if (!message) continue;
      let raw: unknown;
      try {
        raw = message.json();
      } catch {
        continue;
      }
      const decoded = decodeEvent(raw);
      // A poison message is dead-lettered by every consumer, so the audit store rightly never holds it.
      if (!decoded.ok || message.subject !== subjectFor(system.topology, decoded.event.type)) continue;
      found.push({ id: decoded.event.id, requestId: decoded.event.requestId, type: decoded.event.type });
    }
    return found;
  } finally {
    await nc.close();
  }
}

function duplicateIds(audited: AuditedEvent[]): string[] {
  const counts = countBy(audited, (e) => e.id);
  return [...counts].filter(([, n]) => n > 1).map(([id, n]) => `event ${id} is ${n} times in the audit store`);
}

function onceGrantedOnceRevoked(audited: AuditedEvent[], requestIds: string[]): string[] {
  const wanted = new Set(requestIds);
  const counts = countBy(
    audited.filter((e) => wanted.has(e.requestId) && (e.type === 'granted' || e.type === 'revoked')),
    (e) => `${e.requestId} ${e.type}`,
  );
  return [...counts].filter(([, n]) => n > 1).map(([key, n]) => `${key.replace(' ', ': ')} ${n} times`);
}

async function streamMatchesAudit(system: RunningSystem, audited: AuditedEvent[], requestIds: string[]): Promise<string[]> {
  const wanted = new Set(requestIds);
  const onStream = countBy(
    (await streamEventIds(system)).filter((e) => wanted.has(e.requestId)),
    (e) => e.requestId,
  );
  const inAudit = countBy(
    audited.filter((e) => wanted.has(e.requestId)),
    (e) => e.requestId,
  );
  return requestIds
    .filter((id) => (onStream.get(id) ?? 0) !== (inAudit.get(id) ?? 0))
    .map((id) => `${id}: ${onStream.get(id) ?? 0} events on the stream, ${inAudit.get(id) ?? 0} in the audit store`);
}

/** Each granted request's membership and when it ends, from `granted` and the `extended` events after it. */
function grantRecords(audited: AuditedEvent[]): GrantRecord[] {
  const grants = new Map<string, GrantRecord>();
  for (const event of audited) {
    const grant = grants.get(event.requestId);
    if (event.type === 'granted' && !grant) {
      grants.set(event.requestId, {
        requestId: event.requestId,
        oktaGroupId: String(event.data.oktaGroupId),
        oktaUserId: String(event.data.oktaUserId),
        expiresAt: Date.parse(String(event.data.expiresAt)),
        revoked: false,
        // granted v1 predates the field: every grant then added its membership.
        preexisting: event.data.membership === 'preexisting',
      });
    } else if (event.type === 'extended' && grant) {
      grant.expiresAt = Math.max(grant.expiresAt, Date.parse(String(event.data.expiresAt)));
    } else if (event.type === 'revoked' && grant) {
      grant.revoked = true;
    }
  }
  return [...grants.values()];
}

async function unexplainedMembers(system: RunningSystem, grants: GrantRecord[], now: number): Promise<string[]> {
  const explained = new Set(
    grants.filter((g) => g.preexisting || (!g.revoked && g.expiresAt > now)).map((g) => `${g.oktaGroupId}/${g.oktaUserId}`),
  );
  const violations: string[] = [];
  for (const groupId of catalogGroups(system)) {
    for (const userId of await oktaGroupMembers(system, groupId)) {
      if (!explained.has(`${groupId}/${userId}`))
        violations.push(`${userId} is in Okta group ${groupId} with no active grant explaining it`);
    }
  }
  return violations;
}

/** The Okta groups of the catalog the system runs with. */
function catalogGroups(system: RunningSystem): string[] {
  const catalog = readCatalog(join(root, system.env.CATALOG_FILE ?? DEMO_CATALOG_FILE));
  return [...catalog.groups().keys()];
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

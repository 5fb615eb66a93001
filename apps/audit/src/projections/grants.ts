import type { AccessEvent, Via } from '@jit/events';
import type { Projection } from './projection.js';
import { iso } from './requests.js';

/** One grant as the `grants` projection holds it: whose, to what, approved by whom, and how and when it ended. */
export interface GrantRow {
  request_id: string;
  /** As the grant named them (the report shows the grant's own words), else as the request did. */
  requester: string | null;
  application_id: string | null;
  okta_group_id: string | null;
  justification: string | null;
  /** The credential the request came through when it was not the requester's own (`api_key:<name>`). */
  requested_via: string | null;
  /** Every approval's approver, in order. */
  approvers: string[];
  /** The credentials the approvals came through, once each. */
  approved_via: string[];
  granted_at: string | null;
  /** The expiry as it stands after every extension. */
  expires_at: string | null;
  ended_at: string | null;
  /**
   * How it ended: its `revoked` event's reason (`expired`, `relinquished`, `admin`, `reconciliation`,
   * `deprovisioned`, `application_removed`), or `rolled_back` when it never completed (`grant_failed`:
   * Okta refused it or its deadline passed, and nothing was left behind).
   */
  ended_how: string | null;
  /** Who asked for the end before the expiry (`revoke_requested`), set when asked; null for an expiry. */
  ended_by: string | null;
  last_seq: number;
}

/** A grant that was made (its `granted` event folded in): every field of the grant itself is known. */
export type HeldGrant = GrantRow & Record<'requester' | 'application_id' | 'okta_group_id' | 'granted_at' | 'expires_at', string>;

/** Folds one event (decoded to its latest version) into its request's grant, which is a row once granted or rolled back. */
export function evolveGrant(row: GrantRow | undefined, event: AccessEvent, seq: number): GrantRow {
  const base: GrantRow = row ?? {
    request_id: event.requestId,
    requester: null,
    application_id: null,
    okta_group_id: null,
    justification: null,
    requested_via: null,
    approvers: [],
    approved_via: [],
    granted_at: null,
    expires_at: null,
    ended_at: null,
    ended_how: null,
    ended_by: null,
    last_seq: 0,
  };
  const next = { ...base, last_seq: seq };
  switch (event.type) {
    case 'requested':
      return next.justification === null
        ? {
            ...next,
            requester: next.requester ?? event.data.requester,
            application_id: next.application_id ?? event.data.application.id,
            okta_group_id: next.okta_group_id ?? event.data.application.oktaGroupId,
            justification: event.data.justification,
            requested_via: describeVia(event.via),
          }
        : next;
    case 'approved': {
      const via = describeVia(event.via);
      const approvedVia = via === null || next.approved_via.includes(via) ? next.approved_via : [...next.approved_via, via];
      return { ...next, approvers: [...next.approvers, event.data.approver], approved_via: approvedVia };
    }
    case 'granted':
      return {
        ...next,
        requester: event.data.requester,
        application_id: event.data.applicationId,
        okta_group_id: event.data.oktaGroupId,
        granted_at: iso(event.data.grantedAt),
        expires_at: later(iso(event.data.expiresAt), next.expires_at),
      };
    case 'extended':
      return { ...next, expires_at: later(iso(event.data.expiresAt), next.expires_at) };
    case 'revoke_requested':
      return next.ended_by === null ? { ...next, ended_by: event.data.by } : next;
    case 'revoked':
      return next.ended_at === null ? { ...next, ended_at: iso(event.data.revokedAt), ended_how: event.data.reason } : next;
    case 'grant_failed':
      return next.granted_at === null && next.ended_at === null
        ? { ...next, ended_at: iso(event.occurredAt), ended_how: 'rolled_back' }
        : next;
    case 'approval_opened':
    case 'approval_escalated':
    case 'denied':
    case 'cancelled':
    case 'grant_retrying':
    case 'expired':
    case 'revoke_failed':
    case 'ticket_opened':
    case 'ticket_closed':
    case 'extension_requested':
    case 'extension_approved':
    case 'extension_denied':
      return next;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** A credential as one report cell: `api_key:<name>`, or the channel's kind; null for events that name none (older ones too). */
export function describeVia(via: Via | undefined): string | null {
  if (!via) return null;
  return via.name ? `${via.kind}:${via.name}` : via.kind;
}

/** The later of two date-times in `toISOString` form (the second may be missing): in that one form, text order is time order. */
function later(a: string, b: string | null): string {
  return b !== null && b > a ? b : a;
}

/** The `grants` projection: one row per grant, its approvals, its expiry after extensions, and how it ended. */
export const grantsProjection: Projection<GrantRow> = {
  table: 'audit.grants',
  columns: {
    request_id: 'text',
    requester: 'text',
    application_id: 'text',
    okta_group_id: 'text',
    justification: 'text',
    requested_via: 'text',
    approvers: 'jsonb',
    approved_via: 'jsonb',
    granted_at: 'timestamptz',
    expires_at: 'timestamptz',
    ended_at: 'timestamptz',
    ended_how: 'text',
    ended_by: 'text',
    last_seq: 'bigint',
  },
  evolve: evolveGrant,
  isRow: (row) => row.granted_at !== null || row.ended_how === 'rolled_back',
  opensWithHistory: (event) => event.type === 'granted' || event.type === 'grant_failed',
};

import type { AccessEvent, EventDraft } from '@jit/events';
import { ConflictError, ValidationError, type DomainError } from '@jit/platform';
import type { Application } from '../catalog/catalog.js';
import { formatDuration } from '../catalog/duration.js';

/** Every status a request can show. */
export const requestStatuses = ['pending', 'approved', 'denied', 'cancelled', 'granted', 'failed', 'revoked'] as const;
/** Where a request stands, as its requester sees it. */
export type RequestStatus = (typeof requestStatuses)[number];

/** What intake knows of one request: what was asked and what has happened since. */
export interface RequestState {
  requester: string;
  applicationId: string;
  durationSeconds: number;
  justification: string;
  status: RequestStatus;
  /** Why it was denied, failed or revoked. */
  reason: string | null;
  createdAt: string;
  grantedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  /** Set once someone asked for the access to end early; the status stays `granted` until it is revoked. */
  revokeRequestedAt: string | null;
}

/** What a caller can ask of a request. */
export type RequestCommand =
  | { type: 'submit'; requester: string; application: Application; durationSeconds: number; justification: string }
  | { type: 'cancel'; by: string }
  | { type: 'relinquish'; by: string };

/** An event that cannot apply yet because an earlier one has not arrived; the consumer retries it. */
export class NotReadyYet extends Error {
  override name = 'NotReadyYet';
}

/** The rules of a request: the events a command leads to in the given state, or why it is refused. */
export function decide(command: RequestCommand, state: RequestState | undefined, now: Date): EventDraft[] | DomainError {
  switch (command.type) {
    case 'submit':
      return submit(command, state);
    case 'cancel':
      if (!state) return new ConflictError('the request does not exist');
      if (state.status !== 'pending' && state.status !== 'approved') {
        return new ConflictError(`the request is ${state.status}; only a pending or approved request can be cancelled`);
      }
      return [{ type: 'cancelled', data: { by: command.by } }];
    case 'relinquish':
      if (!state) return new ConflictError('the request does not exist');
      if (state.status !== 'granted') return new ConflictError(`the request is ${state.status}; only granted access can be relinquished`);
      // Asked already: the revocation is on its way, asking again changes nothing.
      if (state.revokeRequestedAt) return [];
      if (state.expiresAt && Date.parse(state.expiresAt) <= now.getTime()) {
        return new ConflictError(`the access expired at ${state.expiresAt} and is being revoked`);
      }
      // The requester gives access back; anyone else allowed to end it (an API key) is an admin.
      return [{ type: 'revoke_requested', data: { reason: command.by === state.requester ? 'relinquished' : 'admin', by: command.by } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function submit(command: Extract<RequestCommand, { type: 'submit' }>, state: RequestState | undefined): EventDraft[] | DomainError {
  if (state) return new ConflictError('the request exists already');
  const { application, durationSeconds, justification, requester } = command;
  if (durationSeconds < application.minDurationSeconds || durationSeconds > application.maxDurationSeconds) {
    const bounds = `between ${formatDuration(application.minDurationSeconds)} and ${formatDuration(application.maxDurationSeconds)}`;
    return new ValidationError(
      `duration: ${formatDuration(durationSeconds)} is out of bounds; ${application.id} can be granted for ${bounds}`,
      {
        field: 'duration',
        minDurationSeconds: application.minDurationSeconds,
        maxDurationSeconds: application.maxDurationSeconds,
      },
    );
  }
  if (!justification.trim()) return new ValidationError('justification: must not be empty', { field: 'justification' });
  const { id, name, oktaGroupId, owners, approval } = application;
  return [
    { type: 'requested', data: { requester, application: { id, name, oktaGroupId, owners, approval }, durationSeconds, justification } },
  ];
}

/**
 * Folds an event into the request's state. Duplicates change nothing, and a late event never moves
 * a settled request backwards, except that access which really exists is always shown: a `granted`
 * after a cancel, denial or failure means the provider holds the membership, so the request shows
 * `granted` until `revoked` arrives. `revoked` is final and applies from any status.
 * Throws `NotReadyYet` for an event that needs one that has not arrived.
 */
export function evolve(state: RequestState | undefined, event: AccessEvent): RequestState {
  if (event.type === 'requested') return state ?? started(event);
  if (!state) throw new NotReadyYet(`${event.type} arrived before the request ${event.requestId} was recorded`);
  switch (event.type) {
    case 'approved':
      return event.data.final && state.status === 'pending' ? { ...state, status: 'approved' } : state;
    case 'denied':
      return state.status === 'pending' ? { ...state, status: 'denied', reason: event.data.reason } : state;
    case 'cancelled':
      return isOpen(state) ? { ...state, status: 'cancelled', reason: event.data.reason ?? null } : state;
    case 'grant_failed':
      return isOpen(state) ? { ...state, status: 'failed', reason: event.data.reason } : state;
    case 'granted':
      return granted(state, event);
    case 'extended':
      return extended(state, event);
    case 'revoke_requested':
      return state.revokeRequestedAt ? state : { ...state, revokeRequestedAt: event.occurredAt };
    case 'revoked':
      return state.status === 'revoked'
        ? state
        : { ...state, status: 'revoked', reason: event.data.reason, revokedAt: event.data.revokedAt };
    case 'expired':
    case 'revoke_failed':
      return state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function started(event: AccessEvent<'requested'>): RequestState {
  return {
    requester: event.data.requester,
    applicationId: event.data.application.id,
    durationSeconds: event.data.durationSeconds,
    justification: event.data.justification,
    status: 'pending',
    reason: null,
    createdAt: event.occurredAt,
    grantedAt: null,
    expiresAt: null,
    revokedAt: null,
    revokeRequestedAt: null,
  };
}

function isOpen(state: RequestState): boolean {
  return state.status === 'pending' || state.status === 'approved';
}

function granted(state: RequestState, event: AccessEvent<'granted'>): RequestState {
  // Already granted: a second `granted` must not undo an extension.
  if (state.status === 'granted') return state;
  const times = { grantedAt: state.grantedAt ?? event.data.grantedAt, expiresAt: state.expiresAt ?? event.data.expiresAt };
  // Revoked before this arrived: the grant is history, recorded without reopening the request.
  if (state.status === 'revoked') return { ...state, ...times };
  return { ...state, status: 'granted', reason: null, grantedAt: event.data.grantedAt, expiresAt: event.data.expiresAt };
}

function extended(state: RequestState, event: AccessEvent<'extended'>): RequestState {
  if (state.status === 'revoked') return state;
  if (state.status !== 'granted') throw new NotReadyYet(`extended arrived before the request ${event.requestId} was granted`);
  const later = !state.expiresAt || Date.parse(event.data.expiresAt) > Date.parse(state.expiresAt);
  return later ? { ...state, expiresAt: event.data.expiresAt } : state;
}

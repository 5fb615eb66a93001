import type { z } from 'zod';
import { ApprovalEscalatedV1 } from './approval-escalated.js';
import { ApprovalOpenedV1, ApprovalOpenedV2 } from './approval-opened.js';
import { ApprovedV1, ApprovedV2 } from './approved.js';
import { CancelledV1 } from './cancelled.js';
import { DeniedV1, DeniedV2, DeniedV3, upcastDeniedV1 } from './denied.js';
import { ExpiredV1 } from './expired.js';
import { ExtendedV1 } from './extended.js';
import { ExtensionApprovedV1 } from './extension-approved.js';
import { ExtensionDeniedV1 } from './extension-denied.js';
import { ExtensionRequestedV1 } from './extension-requested.js';
import { GrantFailedV1 } from './grant-failed.js';
import { GrantRetryingV1 } from './grant-retrying.js';
import { GrantedV1, GrantedV2, upcastGrantedV1 } from './granted.js';
import { RequestedV1, RequestedV2 } from './requested.js';
import { RevokeFailedV1, RevokeFailedV2 } from './revoke-failed.js';
import { RevokeRequestedV1, RevokeRequestedV2 } from './revoke-requested.js';
import { RevokedV1, RevokedV2 } from './revoked.js';
import { TicketClosedV1 } from './ticket-closed.js';
import { TicketOpenedV1 } from './ticket-opened.js';
import type { Envelope } from './envelope.js';

/** Turns the data of version N into the data of version N + 1. */
export type Upcaster = (data: unknown) => unknown;

/** Every published version of one event type; the highest is what handlers see. */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  versions: Record<number, z.ZodType>;
  latest: number;
  schema: S;
  /** `upcasters[n]` lifts version n to n + 1. */
  upcasters: Record<number, Upcaster>;
}

function define<S extends z.ZodType>(schema: S): EventDefinition<S> {
  return { versions: { 1: schema }, latest: 1, schema, upcasters: {} };
}

/** A v2 that only accepts more than v1 (a longer list of reasons, say): every v1 is a v2 as it is. */
function widened<S extends z.ZodType>(v1: z.ZodType, v2: S): EventDefinition<S> {
  return { versions: { 1: v1, 2: v2 }, latest: 2, schema: v2, upcasters: { 1: (data) => data } };
}

/** The one list of event types. A published version never changes: add a version and an upcaster. */
export const eventRegistry = {
  requested: widened(RequestedV1, RequestedV2),
  approval_opened: widened(ApprovalOpenedV1, ApprovalOpenedV2),
  approval_escalated: define(ApprovalEscalatedV1),
  approved: widened(ApprovedV1, ApprovedV2),
  denied: {
    versions: { 1: DeniedV1, 2: DeniedV2, 3: DeniedV3 },
    latest: 3,
    schema: DeniedV3,
    upcasters: { 1: upcastDeniedV1, 2: (data) => data },
  } satisfies EventDefinition<typeof DeniedV3>,
  cancelled: define(CancelledV1),
  granted: {
    versions: { 1: GrantedV1, 2: GrantedV2 },
    latest: 2,
    schema: GrantedV2,
    upcasters: { 1: upcastGrantedV1 },
  } satisfies EventDefinition<typeof GrantedV2>,
  grant_retrying: define(GrantRetryingV1),
  grant_failed: define(GrantFailedV1),
  ticket_opened: define(TicketOpenedV1),
  expired: define(ExpiredV1),
  revoke_requested: widened(RevokeRequestedV1, RevokeRequestedV2),
  revoked: widened(RevokedV1, RevokedV2),
  revoke_failed: widened(RevokeFailedV1, RevokeFailedV2),
  ticket_closed: define(TicketClosedV1),
  extension_requested: define(ExtensionRequestedV1),
  extension_approved: define(ExtensionApprovedV1),
  extension_denied: define(ExtensionDeniedV1),
  extended: define(ExtendedV1),
} satisfies Record<string, EventDefinition>;

/** The registry's shape, so tests can build registries with more versions. */
export type EventRegistry = Record<string, EventDefinition>;

/** A known event type, e.g. `requested`. */
export type EventType = keyof typeof eventRegistry;

/** The data of an event type at its latest version. */
export type EventData<T extends EventType> = z.infer<(typeof eventRegistry)[T]['schema']>;

/** A decoded event of a known type at its latest version. */
export type AccessEvent<T extends EventType = EventType> = { [K in T]: Envelope<K, EventData<K>> }[T];

/** Every event type, in the order of a request's life. */
export const eventTypes = Object.keys(eventRegistry) as EventType[];

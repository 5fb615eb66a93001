import { z } from 'zod';
import {
  DEFAULT_PENDING_TTL_SECONDS,
  DEFAULT_PRE_EXPIRY_NOTICE_SECONDS,
  LoginSchema,
  type ApprovalPolicy,
  type ApprovalRule,
  type RequestedData,
  type TimeWindow,
} from '@jit/events';
import { DURATION_FORMAT, parseDuration } from './duration.js';

/**
 * Who may be in an application's Okta group. `exclusive`: the group is JIT-only, and reconciliation
 * removes any member no grant explains. `shared`: the group also has members the system did not
 * add; they are never removed, only reported, and a grant to someone already a member removes
 * nothing when it ends.
 */
export const MembershipModes = ['exclusive', 'shared'] as const;
export type MembershipMode = (typeof MembershipModes)[number];

/** An application people can ask access to. */
export interface Application {
  id: string;
  name: string;
  /** The Okta group whose membership is the access. */
  oktaGroupId: string;
  /** Whether the group is JIT-only or shared with members the system did not add. */
  membership: MembershipMode;
  /** Logins of the people who own the application (approvers of an `owners` stage). */
  owners: string[];
  minDurationSeconds: number;
  maxDurationSeconds: number;
  approval: ApprovalPolicy;
  /** What the application is, for the person choosing it. */
  description?: string;
  /** What a justification should say, shown next to the field. */
  justificationHint?: string;
  /** A regular expression a justification must contain a match of (`\b(INC|CHG)-\d+\b`), checked when a request arrives. */
  justificationPattern?: string;
  /** Rules tried in order before the stages; the first that holds approves or denies at once. */
  rules: ApprovalRule[];
  /** How long a request may wait for approval before it is denied `approval_timeout`. */
  pendingTtlSeconds: number;
  /** When the current stage's approvers are reminded (and its escalation target added); halfway to the TTL when absent. */
  reminderAfterSeconds?: number;
  /** How long before the expiry the requester is warned (in Slack). */
  preExpiryNoticeSeconds: number;
  /** The longest access may last, extensions included; equal to `maxDurationSeconds` when no extension is allowed. */
  maxTotalDurationSeconds: number;
  /** How much time the requester may add by extensions without approval (0: every extension is approved again). */
  selfExtensionSeconds: number;
}

/** The snapshot of an application's policy a `requested` event carries. */
export function policySnapshotOf(application: Application): RequestedData['application'] {
  const { id, name, oktaGroupId, owners, approval, rules, pendingTtlSeconds, reminderAfterSeconds } = application;
  const { preExpiryNoticeSeconds, maxTotalDurationSeconds, selfExtensionSeconds } = application;
  return {
    id,
    name,
    oktaGroupId,
    owners,
    approval,
    ...(rules.length > 0 ? { rules } : {}),
    pendingTtlSeconds,
    ...(reminderAfterSeconds !== undefined ? { reminderAfterSeconds } : {}),
    preExpiryNoticeSeconds,
    maxTotalSeconds: maxTotalDurationSeconds,
    ...(selfExtensionSeconds > 0 ? { selfExtensionSeconds } : {}),
    // The hint goes with the pattern, to explain a refusal at extension; without a pattern nothing is refused.
    ...(application.justificationPattern !== undefined
      ? {
          justificationPattern: application.justificationPattern,
          ...(application.justificationHint !== undefined ? { justificationHint: application.justificationHint } : {}),
        }
      : {}),
  };
}

const duration = z.string({ error: `expected ${DURATION_FORMAT}` }).transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not ${DURATION_FORMAT}` });
    return z.NEVER;
  }
  return seconds;
});

/** Owners and listed approvers are stored in the one canonical login form, so `Carol@…` in the file is the `carol@…` who signs in. */
const login = LoginSchema;

type Stage = Extract<ApprovalPolicy, { kind: 'stages' }>['stages'][number];

/** Who approves a stage: the requester's manager, the application's owners, or listed people. */
const approvers = z.union(
  [
    z.literal('manager').transform((): Stage => ({ kind: 'manager' })),
    z.literal('owners').transform((): Stage => ({ kind: 'owners' })),
    z
      .array(login)
      .min(1)
      .transform((users): Stage => ({ kind: 'users', users })),
  ],
  { error: 'expected "manager", "owners" or a list of logins' },
);

const stage = z.union(
  [
    z.literal('manager').transform((): Stage => ({ kind: 'manager' })),
    z.literal('owners').transform((): Stage => ({ kind: 'owners' })),
    z.strictObject({ users: z.array(login).min(1) }).transform(({ users }): Stage => ({ kind: 'users', users })),
    // A stage needing N of its approvers, or escalated to someone when the pending request's reminder fires.
    z
      .strictObject({ approvers, required: z.number().int().positive().optional(), escalateTo: login.optional() })
      .transform(({ approvers: who, required, escalateTo }): Stage => ({
        ...who,
        ...(required && required > 1 ? { required } : {}),
        ...(escalateTo ? { escalateTo } : {}),
      })),
  ],
  { error: 'expected "manager", "owners", { "users": [logins] } or { "approvers", "required"?, "escalateTo"? }' },
);

const clock = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A weekly time window in a time zone Intl knows. */
const timeWindow = z
  .strictObject({
    days: z
      .array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']))
      .min(1)
      .optional(),
    from: z.string().regex(clock, 'expected HH:MM'),
    to: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:MM'),
    timeZone: z.string().refine(isTimeZone, { error: 'not a time zone (an IANA name such as Europe/London)' }),
  })
  .refine(({ from, to }) => to > from, { path: ['to'], error: 'must be after from' })
  .transform((window): TimeWindow => window);

/** What a rule looks at; every condition given must hold. */
const conditions = z
  .strictObject({
    requesterInGroup: z.string().trim().min(1).optional(),
    requesterNotInGroup: z.string().trim().min(1).optional(),
    durationAtMost: duration.optional(),
    within: timeWindow.optional(),
    outside: timeWindow.optional(),
  })
  .refine((when) => Object.values(when).some((value) => value !== undefined), { error: 'a rule needs at least one condition' })
  .transform(({ durationAtMost, ...when }): ApprovalRule['when'] => ({
    ...when,
    ...(durationAtMost !== undefined ? { durationAtMostSeconds: durationAtMost } : {}),
  }));

/** A rule: `{ "name", "approve": {conditions} }` or `{ "name", "deny": {conditions} }`. */
const rule = z
  .strictObject({ name: z.string().trim().min(1), approve: conditions.optional(), deny: conditions.optional() })
  .refine(({ approve, deny }) => (approve === undefined) !== (deny === undefined), { error: 'give either "approve" or "deny", not both' })
  .transform(({ name, approve, deny }): ApprovalRule =>
    approve ? { name, effect: 'approve', when: approve } : { name, effect: 'deny', when: deny! },
  );

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const approval = z.union(
  [
    z.literal('auto').transform((): ApprovalPolicy => ({ kind: 'auto' })),
    z.literal('manager').transform((): ApprovalPolicy => ({ kind: 'manager' })),
    z.strictObject({ stages: z.array(stage).min(1) }).transform(({ stages }): ApprovalPolicy => ({ kind: 'stages', stages })),
  ],
  { error: 'expected "auto", "manager" or { "stages": [...] }' },
);

const ApplicationEntry = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes'),
    name: z.string().trim().min(1),
    oktaGroupId: z.string().trim().min(1),
    // Shared unless said otherwise: a group is made JIT-only on purpose (see the README), never by default.
    membership: z.enum(MembershipModes, { error: 'expected "exclusive" or "shared"' }).default('shared'),
    owners: z.array(login),
    minDuration: duration,
    maxDuration: duration,
    approval,
    description: z.string().trim().min(1).max(500).optional(),
    rules: z.array(rule).optional(),
    pendingTtl: duration.default(DEFAULT_PENDING_TTL_SECONDS),
    reminderAfter: duration.optional(),
    preExpiryNotice: duration.default(DEFAULT_PRE_EXPIRY_NOTICE_SECONDS),
    maxTotalDuration: duration.optional(),
    selfExtensionLimit: duration.optional(),
    justification: z
      .strictObject({
        hint: z.string().trim().min(1).max(300).optional(),
        pattern: z
          .string()
          .min(1)
          .max(200)
          .refine(isRegExp, 'expected a regular expression (JavaScript syntax, matched anywhere in the text)')
          .optional(),
      })
      .optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.minDuration > entry.maxDuration) {
      ctx.addIssue({ code: 'custom', path: ['minDuration'], message: 'must not be longer than maxDuration' });
    }
    if (entry.approval.kind === 'stages') {
      entry.approval.stages.forEach((s, i) => {
        if (s.kind === 'users' && (s.required ?? 1) > s.users.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['approval', 'stages', i, 'required'],
            message: `more than the ${s.users.length} approvers listed`,
          });
        }
      });
    }
    if (entry.reminderAfter !== undefined && entry.reminderAfter >= entry.pendingTtl) {
      ctx.addIssue({ code: 'custom', path: ['reminderAfter'], message: 'must be shorter than pendingTtl' });
    }
    const names = new Set<string>();
    (entry.rules ?? []).forEach((r, i) => {
      if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name "${r.name}"` });
      names.add(r.name);
    });
    const maxTotal = entry.maxTotalDuration ?? entry.maxDuration;
    if (maxTotal < entry.maxDuration) {
      ctx.addIssue({ code: 'custom', path: ['maxTotalDuration'], message: 'must not be shorter than maxDuration' });
    }
    if ((entry.selfExtensionLimit ?? 0) > maxTotal - entry.minDuration) {
      ctx.addIssue({ code: 'custom', path: ['selfExtensionLimit'], message: 'must leave room within maxTotalDuration' });
    }
    if (entry.approval.kind === 'stages' && entry.approval.stages.some((s) => s.kind === 'owners') && entry.owners.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['owners'], message: 'an "owners" approval stage needs at least one owner' });
    }
  })
  .transform((entry): Application => ({
    id: entry.id,
    name: entry.name,
    oktaGroupId: entry.oktaGroupId,
    membership: entry.membership,
    owners: entry.owners,
    minDurationSeconds: entry.minDuration,
    maxDurationSeconds: entry.maxDuration,
    approval: entry.approval,
    ...(entry.description ? { description: entry.description } : {}),
    ...(entry.justification?.hint ? { justificationHint: entry.justification.hint } : {}),
    ...(entry.justification?.pattern ? { justificationPattern: entry.justification.pattern } : {}),
    rules: entry.rules ?? [],
    pendingTtlSeconds: entry.pendingTtl,
    ...(entry.reminderAfter !== undefined ? { reminderAfterSeconds: entry.reminderAfter } : {}),
    preExpiryNoticeSeconds: entry.preExpiryNotice,
    maxTotalDurationSeconds: entry.maxTotalDuration ?? entry.maxDuration,
    selfExtensionSeconds: entry.selfExtensionLimit ?? 0,
  }));

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** Whether a justification matches the application's pattern; a 400's words when it does not. */
export function justificationProblem(
  policy: { justificationPattern?: string; justificationHint?: string },
  text: string,
): string | undefined {
  if (!policy.justificationPattern || new RegExp(policy.justificationPattern, 'u').test(text)) return undefined;
  return `justification: does not match ${policy.justificationPattern}; ${policy.justificationHint ?? 'see the application'}`;
}

/**
 * How many seconds an extension may still add to a grant that started at `grantedAt` and ends at
 * `expiresAt`, under the maximum total its request's snapshot names (none: no extension at all).
 */
export function extensionRoomSeconds(maxTotalSeconds: number | undefined, grantedAt: string, expiresAt: string): number {
  if (!maxTotalSeconds) return 0;
  return Math.max(0, maxTotalSeconds - Math.round((Date.parse(expiresAt) - Date.parse(grantedAt)) / 1000));
}

/** The catalog file: `{ "applications": [...] }`. */
export const CatalogFileSchema = z.strictObject({ applications: z.array(ApplicationEntry) }).superRefine(({ applications }, ctx) => {
  const seen = new Set<string>();
  const modes = new Map<string, MembershipMode>();
  applications.forEach((application, i) => {
    if (seen.has(application.id))
      ctx.addIssue({ code: 'custom', path: ['applications', i, 'id'], message: `duplicate id "${application.id}"` });
    seen.add(application.id);
    // One group, one mode: a group cannot be JIT-only for one application and shared for another.
    const mode = modes.get(application.oktaGroupId);
    if (mode && mode !== application.membership) {
      ctx.addIssue({
        code: 'custom',
        path: ['applications', i, 'membership'],
        message: `group ${application.oktaGroupId} is "${mode}" for another application`,
      });
    }
    modes.set(application.oktaGroupId, mode ?? application.membership);
  });
});

/** The applications people can ask access to, fixed for the life of the process. */
export class Catalog {
  private readonly byId: ReadonlyMap<string, Application>;

  constructor(readonly applications: readonly Application[]) {
    this.byId = new Map(applications.map((application) => [application.id, application]));
  }

  /** The application with this id, if the catalog has it. */
  find(id: string): Application | undefined {
    return this.byId.get(id);
  }

  /** Every Okta group behind an application, with its membership mode. */
  groups(): ReadonlyMap<string, MembershipMode> {
    return new Map(this.applications.map((application) => [application.oktaGroupId, application.membership]));
  }
}

/** Validates the parsed JSON of a catalog file; the error names the first bad field, e.g. `applications.1.maxDuration`. */
export function parseCatalog(json: unknown): Catalog | { error: string } {
  const parsed = CatalogFileSchema.safeParse(json);
  if (parsed.success) return new Catalog(parsed.data.applications);
  return { error: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ') };
}

import { z } from 'zod';
import type { ApprovalPolicy } from '@jit/events';
import { DURATION_FORMAT, parseDuration } from './duration.js';

/** An application people can ask access to, as the rest of intake sees it. */
export interface Application {
  id: string;
  name: string;
  /** The Okta group whose membership is the access. */
  oktaGroupId: string;
  /** Logins of the people who own the application (approvers of an `owners` stage). */
  owners: string[];
  minDurationSeconds: number;
  maxDurationSeconds: number;
  approval: ApprovalPolicy;
}

const duration = z.string({ error: `expected ${DURATION_FORMAT}` }).transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not ${DURATION_FORMAT}` });
    return z.NEVER;
  }
  return seconds;
});

const login = z.string().trim().min(1, 'must not be empty');

const stage = z.union(
  [
    z.literal('manager').transform(() => ({ kind: 'manager' as const })),
    z.literal('owners').transform(() => ({ kind: 'owners' as const })),
    z.strictObject({ users: z.array(login).min(1) }).transform(({ users }) => ({ kind: 'users' as const, users })),
  ],
  { error: 'expected "manager", "owners" or { "users": [logins] }' },
);

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
    owners: z.array(login),
    minDuration: duration,
    maxDuration: duration,
    approval,
  })
  .superRefine((entry, ctx) => {
    if (entry.minDuration > entry.maxDuration) {
      ctx.addIssue({ code: 'custom', path: ['minDuration'], message: 'must not be longer than maxDuration' });
    }
    if (entry.approval.kind === 'stages' && entry.approval.stages.some((s) => s.kind === 'owners') && entry.owners.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['owners'], message: 'an "owners" approval stage needs at least one owner' });
    }
  })
  .transform((entry): Application => ({
    id: entry.id,
    name: entry.name,
    oktaGroupId: entry.oktaGroupId,
    owners: entry.owners,
    minDurationSeconds: entry.minDuration,
    maxDurationSeconds: entry.maxDuration,
    approval: entry.approval,
  }));

/** The catalog file: `{ "applications": [...] }`. */
export const CatalogFileSchema = z.strictObject({ applications: z.array(ApplicationEntry) }).superRefine(({ applications }, ctx) => {
  const seen = new Set<string>();
  applications.forEach((application, i) => {
    if (seen.has(application.id))
      ctx.addIssue({ code: 'custom', path: ['applications', i, 'id'], message: `duplicate id "${application.id}"` });
    seen.add(application.id);
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
}

/** Validates the parsed JSON of a catalog file; the error names the first bad field, e.g. `applications.1.maxDuration`. */
export function parseCatalog(json: unknown): Catalog | { error: string } {
  const parsed = CatalogFileSchema.safeParse(json);
  if (parsed.success) return new Catalog(parsed.data.applications);
  return { error: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ') };
}

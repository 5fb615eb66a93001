import { z } from 'zod';
import { parseInput } from '@jit/platform';
import { DURATION_FORMAT, parseDuration } from '@jit/catalog';
import { requestStatuses, type RequestStatus } from './request.decider.js';

/** The longest a caller may wait on one call: long enough to outlast a grant, short enough for proxies' idle timeouts. */
export const MAX_WAIT_SECONDS = 60;
/** How long a wait lasts when the caller names no timeout. */
export const DEFAULT_WAIT_SECONDS = 30;

/** What a caller can wait for: a status, or `awaiting_approval` (pending, with the stage and its approvers known). */
export const waitTargets = [...requestStatuses, 'awaiting_approval'] as const;
/** One thing a caller can wait for. */
export type WaitTarget = RequestStatus | 'awaiting_approval';

/** What `GET /v1/requests/:id` waits for, if anything. */
export interface WaitInput {
  waitFor?: WaitTarget;
  timeoutMs: number;
}

/** The query of `GET /v1/requests/:id` as documented (OpenAPI); `WaitInputSchema` adds the rules between its fields. */
export const WaitQuery = z.object({
  waitFor: z
    .enum(waitTargets, { error: `expected one of ${waitTargets.join(', ')}` })
    .optional()
    .describe(
      'Answer once the request has this status (or `awaiting_approval`: pending, its approvers known), or one that can never lead to it',
    ),
  timeout: z
    .string({ error: `expected ${DURATION_FORMAT}` })
    .optional()
    .describe(`How long to wait with waitFor (default ${DEFAULT_WAIT_SECONDS}s, at most ${MAX_WAIT_SECONDS}s), e.g. 30s`),
});

/** The query of `GET /v1/requests/:id` checked whole: the timeout parsed and bounded, and given only with `waitFor`. */
const WaitInputSchema = WaitQuery.transform((query, ctx): WaitInput => {
  if (query.timeout === undefined) return { waitFor: query.waitFor, timeoutMs: DEFAULT_WAIT_SECONDS * 1000 };
  const seconds = parseDuration(query.timeout);
  if (seconds === undefined || seconds > MAX_WAIT_SECONDS) {
    const message =
      seconds === undefined ? `"${query.timeout}" is not ${DURATION_FORMAT}` : `must be at most ${MAX_WAIT_SECONDS}s (the longest wait)`;
    ctx.addIssue({ code: 'custom', path: ['timeout'], message });
    return z.NEVER;
  }
  if (query.waitFor === undefined) {
    ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'only with waitFor (what to wait for)' });
    return z.NEVER;
  }
  return { waitFor: query.waitFor, timeoutMs: seconds * 1000 };
});

/** Checks the query of `GET /v1/requests/:id`. */
export function parseWait(query: unknown): WaitInput {
  return parseInput(WaitInputSchema, query, { where: '(query)' });
}

import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { DURATION_FORMAT, parseDuration } from '@jit/catalog';
import { LoginSchema, sameLogin } from '@jit/events';
import { ApiRoute, CurrentPrincipal, ForbiddenError, RequireScope, ValidationError, parseInput, type Principal } from '@jit/platform';
import { PolicyDryRun, type DryRunAnswer } from './dry-run.js';

/** The `POST /v1/policy/dry-run` body: who would ask, for what, for how long. */
const DryRunBody = z.object(
  {
    applicationId: z.string({ error: 'is required (the id of an application in GET /v1/applications)' }).trim().min(1, 'must not be empty'),
    duration: z
      .string({ error: `expected ${DURATION_FORMAT}` })
      .refine((text) => parseDuration(text) !== undefined, { error: `expected ${DURATION_FORMAT}` })
      .transform((text) => parseDuration(text) as number),
    requester: LoginSchema.optional(),
  },
  { error: 'the body must be a JSON object' },
);

/** The policy dry run: which rule fires for a request, and who would approve each stage. */
@Controller('v1/policy')
export class PolicyDryRunController {
  constructor(private readonly dryRun: PolicyDryRun) {}

  /**
   * A person may ask only about a request of their own; an API key needs `admin` and names the
   * requester (or acts on behalf of them).
   */
  @ApiRoute({
    summary: 'Which approval rule a request would meet now, and who would approve each stage',
    description:
      'Nothing is stored or published. A signed-in person may ask only for themselves (`requester` omitted or their own login); ' +
      'an API key needs scope `admin` and names `requester` (or acts on behalf of them).',
    body: DryRunBody,
    bodyExample: { applicationId: 'aws-prod-console', duration: '1h', requester: 'alice@example.com' },
    response: {
      description: 'The rule that would fire (or null) and each stage',
      example: {
        applicationId: 'aws-prod-console',
        requester: 'alice@example.com',
        durationSeconds: 3600,
        at: '2026-03-02T10:00:00.000Z',
        rule: null,
        outcome: 'pending',
        reason: null,
        stages: [{ stage: 0, source: 'manager', approvers: ['bob@example.com'], required: 1 }],
      } satisfies DryRunAnswer,
    },
  })
  @Post('dry-run')
  @HttpCode(200)
  @RequireScope('admin')
  run(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<DryRunAnswer> {
    const input = parseInput(DryRunBody, body ?? {});
    return this.dryRun.run(requesterOf(principal, input.requester), input.applicationId, input.duration);
  }
}

/** Who the dry run is for: a person only themselves; a key the person it names, or acts for. */
function requesterOf(principal: Principal, requester: string | undefined): string {
  if (principal.via === 'oidc') {
    if (requester && !sameLogin(requester, principal.subject)) {
      throw new ForbiddenError(`requester: ${principal.subject} may dry-run only their own requests, not ${requester}'s`);
    }
    return principal.subject;
  }
  const person = requester ?? principal.onBehalfOf;
  if (!person) throw new ValidationError('requester: required when an API key acts as itself', { field: 'requester' });
  return person;
}

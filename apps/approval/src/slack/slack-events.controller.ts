import { Controller, Headers, HttpCode, Inject, Post, Req, type RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { isValidSlackRequest } from '@slack/bolt';
import { z } from 'zod';
import { Clock, formatDuration } from '@jit/events';
import { ApiRoute, NotFoundError, Public, UnauthenticatedError, ValidationError, parseInput } from '@jit/platform';
import { SLACK_SETTINGS, type SlackSettings } from '../config.js';
import { APPROVE_ACTION, DENY_ACTION, DENY_REASON_INPUT, DENY_REASON_VIEW, EXTEND_ACTION, buttonTargetOf } from './slack-chat.js';
import { SlackDecisions, type ButtonClick } from './slack-decisions.js';

/** The part of a `block_actions` payload a decision needs. */
const BlockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

/** The part of a `view_submission` payload of the deny form a denial needs. */
const DenySubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    callback_id: z.literal(DENY_REASON_VIEW),
    private_metadata: z.string(),
    state: z.object({
      values: z.object({
        [DENY_REASON_INPUT]: z.object({ [DENY_REASON_INPUT]: z.object({ value: z.string().trim().max(2000).nullish() }) }),
      }),
    }),
  }),
});

const RequestId = z.uuid();

/**
 * How far ahead of our clock a request's timestamp may be: clocks drift a little, but Bolt checks
 * only the age of a timestamp, so a request signed for the future would stay replayable until
 * that future were five minutes past.
 */
const CLOCK_SKEW_SECONDS = 60;

/** Slack's interactivity endpoint: the Approve and Deny buttons of approval messages and the Extend button of pre-expiry notices land here. */
@Controller()
export class SlackEventsController {
  constructor(
    @Inject(SLACK_SETTINGS) private readonly slack: SlackSettings | null,
    private readonly clock: Clock,
    private readonly decisions: SlackDecisions,
  ) {}

  /**
   * Unauthenticated by bearer token: Slack proves the request with its signing secret instead
   * (`v0=` HMAC-SHA256 of `v0:<timestamp>:<raw body>`, timestamp at most 5 minutes old, checked by
   * Bolt, and at most a minute ahead of our clock, checked here). Slack wants a 200 within 3
   * seconds; refusals are answered in a direct message.
   */
  @ApiRoute({
    summary: "Slack's interactivity endpoint (the Approve, Deny and Extend buttons, and the deny form)",
    description:
      "Not for bearer tokens: Slack signs each request (`X-Slack-Signature`, `X-Slack-Request-Timestamp`) with the signing secret, checked with a 5-minute replay window. The body is a form whose `payload` field holds the JSON of a `block_actions` interaction (a Deny click opens a form asking for the reason) or of that form's `view_submission`. 404 when Slack is not configured.",
    headers: {
      'X-Slack-Signature': z.string().describe('`v0=` and the HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret'),
      'X-Slack-Request-Timestamp': z.string().describe('Unix seconds; more than 5 minutes away from now is refused'),
    },
    response: { description: 'Taken; refusals are answered to the clicker in Slack' },
    errors: [400, 401, 404],
  })
  @Public()
  @Post('slack/events')
  @HttpCode(200)
  async events(
    @Req() request: RawBodyRequest<Request>,
    @Headers('x-slack-signature') signature: string | undefined,
    @Headers('x-slack-request-timestamp') timestamp: string | undefined,
  ): Promise<void> {
    if (!this.slack) throw new NotFoundError('Slack is not configured');
    const raw = request.rawBody?.toString('utf8') ?? '';
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    if (Number(timestamp) > nowSeconds + CLOCK_SKEW_SECONDS) {
      throw new UnauthenticatedError(`the request's timestamp is more than ${formatDuration(CLOCK_SKEW_SECONDS)} in the future`);
    }
    const genuine = isValidSlackRequest({
      signingSecret: this.slack.signingSecret,
      body: raw,
      headers: { 'x-slack-signature': signature ?? '', 'x-slack-request-timestamp': Number(timestamp) },
      nowMilliseconds: this.clock.now().getTime(),
    });
    if (!genuine) throw new UnauthenticatedError('the request is not signed by Slack, or is older than 5 minutes');

    const payload = payloadOf(raw);
    if (payload?.type === 'view_submission') return this.submitted(payload);
    if (payload?.type !== 'block_actions') return;
    const { user, actions, trigger_id: trigger } = parseInput(BlockActions, payload, { where: 'payload' });
    for (const action of actions) {
      if (action.action_id === EXTEND_ACTION) {
        const requestId = parseInput(RequestId, action.value, { field: 'payload.actions.value' });
        await this.decisions.onExtend({ memberId: user.id, requestId });
        continue;
      }
      if (action.action_id !== APPROVE_ACTION && action.action_id !== DENY_ACTION) continue;
      const target = buttonTargetOf(action.value ?? '');
      const requestId = target?.requestId ?? parseInput(RequestId, action.value, { field: 'payload.actions.value' });
      const decision: ButtonClick['decision'] = action.action_id === APPROVE_ACTION ? 'approve' : 'deny';
      const click = { memberId: user.id, decision, requestId, stage: target?.stage, extension: target?.extension };
      if (action.action_id === DENY_ACTION && target && trigger)
        await this.decisions.onDeny({ ...click, trigger, answer: action.value ?? '' });
      else await this.decisions.onClick(click);
    }
  }

  /** The deny form was submitted: the button it answers is in its metadata, the reason in its one input. */
  private async submitted(payload: unknown): Promise<void> {
    const { user, view } = parseInput(DenySubmission, payload, { where: 'payload' });
    const target = buttonTargetOf(view.private_metadata);
    if (!target) throw new ValidationError('payload.view.private_metadata: not a request and stage');
    const comment = view.state.values[DENY_REASON_INPUT][DENY_REASON_INPUT].value || undefined;
    const { requestId, stage, extension } = target;
    await this.decisions.onClick({ memberId: user.id, decision: 'deny', requestId, stage, extension, ...(comment ? { comment } : {}) });
  }
}

/** Slack posts interactivity as a form whose `payload` field holds the JSON. */
function payloadOf(raw: string): { type?: unknown } | undefined {
  const field = new URLSearchParams(raw).get('payload');
  if (field === null) throw new ValidationError('payload: missing');
  try {
    return JSON.parse(field) as { type?: unknown };
  } catch {
    throw new ValidationError('payload: not JSON');
  }
}

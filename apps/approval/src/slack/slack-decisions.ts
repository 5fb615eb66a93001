import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DomainError } from '@jit/platform';
import { Approvals } from '../approvals/approvals.js';
import { SlackChat } from './slack-chat.js';

/** A click on an approval message's Approve or Deny button. */
export interface ButtonClick {
  slackUserId: string;
  decision: 'approve' | 'deny';
  requestId: string;
}

/**
 * Decisions taken in Slack: the clicking member is mapped to their login by e-mail and decides
 * through the same use case as the web API, so every approval rule applies. A refusal is explained
 * to the member in a direct message; the approval messages themselves are updated by the
 * notification outbox once a decision commits.
 */
@Injectable()
export class SlackDecisions {
  constructor(
    private readonly approvals: Approvals,
    @InjectPinoLogger(SlackDecisions.name) private readonly logger: PinoLogger,
  ) {}

  /** Applies a button click; never throws for a decision the rules refuse. */
  async onClick(slack: SlackChat, click: ButtonClick): Promise<void> {
    const { slackUserId, decision, requestId } = click;
    const login = await slack.loginOf(slackUserId);
    if (!login) {
      await this.explain(slack, click, 'Slack does not share your e-mail address with JIT Access, so it cannot tell who you are.');
      return;
    }
    try {
      await this.approvals.decide(requestId, { kind: decision, by: login });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.logger.info({ requestId, by: login, decision, refused: error.message }, 'Slack decision refused');
      await this.explain(slack, click, `You could not ${decision} request ${requestId}: ${error.message}.`);
    }
  }

  /** Best effort: the refusal stands whether or not the explanation reaches the member. */
  private async explain(slack: SlackChat, click: ButtonClick, text: string): Promise<void> {
    try {
      await slack.tellMember(click.slackUserId, text);
    } catch (error) {
      this.logger.warn({ requestId: click.requestId, err: (error as Error).message }, 'could not explain a refused Slack decision');
    }
  }
}

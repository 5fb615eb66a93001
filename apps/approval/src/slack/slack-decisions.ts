import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Approvals } from '../approvals/approvals.js';
import { Chat } from './chat.js';

/** A click on an approval message's Approve or Deny button. */
export interface ButtonClick {
  /** The chat's own id of the member who clicked. */
  memberId: string;
  decision: 'approve' | 'deny';
  requestId: string;
}

/**
 * Decisions taken in the chat: the clicking member is mapped to their login by e-mail and decides
 * through the same use case as the web API, so every approval rule applies. A refusal is explained
 * to the member in a direct message; the approval messages themselves are updated by the
 * notification outbox once a decision commits.
 */
@Injectable()
export class SlackDecisions {
  constructor(
    private readonly approvals: Approvals,
    private readonly chat: Chat,
    @InjectPinoLogger(SlackDecisions.name) private readonly logger: PinoLogger,
  ) {}

  /** Applies a button click; a decision the rules refuse is explained, never thrown. */
  async onClick(click: ButtonClick): Promise<void> {
    const { memberId, decision, requestId } = click;
    const login = await this.chat.loginOf(memberId);
    if (!login) {
      await this.explain(click, 'Slack does not share your e-mail address with JIT Access, so it cannot tell who you are.');
      return;
    }
    const result = await this.approvals.decide(requestId, { kind: decision, by: login, via: { kind: 'slack' } });
    if (result.kind === 'decided') return;
    this.logger.info({ requestId, by: login, decision, refused: result.error.message }, 'Slack decision refused');
    await this.explain(click, `You could not ${decision} request ${requestId}: ${result.error.message}.`);
  }

  /** Best effort: the refusal stands whether or not the explanation reaches the member. */
  private async explain(click: ButtonClick, text: string): Promise<void> {
    try {
      await this.chat.tellMember(click.memberId, text);
    } catch (error) {
      this.logger.warn({ requestId: click.requestId, err: (error as Error).message }, 'could not explain a refused Slack decision');
    }
  }
}

import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Approvals } from '../approvals/approvals.js';
import { Directory, DirectoryUnavailableError } from '../directory/directory.js';
import { Chat } from './chat.js';

/** A click on an approval message's Approve or Deny button. */
export interface ButtonClick {
  /** The chat's own id of the member who clicked. */
  memberId: string;
  decision: 'approve' | 'deny';
  requestId: string;
  /** The stage the message asked about; undefined for a button posted before buttons named their stage, or for an extension's. */
  stage: number | undefined;
  /** The extension the message asked about, when it asked about one. */
  extension?: number;
  /** What the member said (the reason a denial's form asked for). */
  comment?: string;
}

/** A click on the Extend button of the requester's pre-expiry notice. */
export interface ExtendClick {
  memberId: string;
  requestId: string;
}

/**
 * Decisions taken in the chat. The clicking member becomes a person only through the directory:
 * their chat profile's e-mail must belong to exactly one person there, whose login then decides
 * through the same use case as the web API, so every approval rule applies. Whatever decides
 * nothing (no such person, several, a stale or repeated click, a broken rule) is explained to the
 * member in a direct message; the approval messages themselves are updated by the notification
 * outbox once a decision commits.
 */
@Injectable()
export class SlackDecisions {
  constructor(
    private readonly approvals: Approvals,
    private readonly chat: Chat,
    private readonly directory: Directory,
    @InjectPinoLogger(SlackDecisions.name) private readonly logger: PinoLogger,
  ) {}

  /** Applies a button click; a click that decides nothing is explained, never thrown. */
  async onClick(click: ButtonClick): Promise<void> {
    const { decision, requestId, stage, extension } = click;
    if (stage === undefined && extension === undefined) {
      await this.explain(
        click,
        `This button of request ${requestId} is from an older message that does not say which stage it answers, so it decided nothing. Please decide on the web.`,
      );
      return;
    }
    const person = await this.personOf(click);
    if (!person) return;
    const target = extension === undefined ? { stage } : { extension };
    const said = click.comment ? { comment: click.comment } : {};
    const result = await this.approvals.decide(requestId, { kind: decision, by: person, ...target, ...said, via: { kind: 'slack' } });
    if (result.kind === 'decided') {
      const done = decision === 'approve' ? 'approved' : 'denied';
      const what = extension === undefined ? `stage ${stage}` : 'the extension';
      if (result.alreadyDecided) await this.explain(click, `You already ${done} ${what} of request ${requestId}; nothing changed.`);
      return;
    }
    this.logger.info({ requestId, by: person, decision, stage, refused: result.error.code }, 'Slack decision refused');
    await this.explain(click, `You could not ${decision} request ${requestId}: ${result.error.message}.`);
  }

  /**
   * A Deny click asks for the reason in a form first (Slack wants the form opened within 3 seconds
   * of the click); the form's submission denies. When the form cannot be opened, the click denies
   * without a reason rather than not at all.
   */
  async onDeny(click: ButtonClick & { trigger: string; answer: string }): Promise<void> {
    try {
      await this.chat.askDenyReason(click.trigger, click.answer);
    } catch (error) {
      this.logger.warn(
        { requestId: click.requestId, err: (error as Error).message },
        'could not open the deny form; denying without a reason',
      );
      await this.onClick(click);
    }
  }

  /**
   * Extends the clicker's access from the pre-expiry notice: as long again as first asked, within
   * what the application allows; approved at once when the requester may extend alone, else asked
   * of the approvers. Whatever extends nothing is explained.
   */
  async onExtend(click: ExtendClick): Promise<void> {
    const person = await this.personOf({ ...click, decision: 'approve', stage: undefined });
    if (!person) return;
    const result = await this.approvals.extendFromChat(click.requestId, person);
    if (result.kind === 'refused') {
      this.logger.info({ requestId: click.requestId, by: person, refused: result.error.code }, 'Slack extension refused');
      await this.tell(
        click.memberId,
        click.requestId,
        `Your access of request ${click.requestId} was not extended: ${result.error.message}.`,
      );
    }
  }

  /** The one person the directory knows by the member's e-mail; undefined (and the member told why) for none or several. */
  private async personOf(click: ButtonClick): Promise<string | undefined> {
    const email = await this.chat.emailOf(click.memberId);
    if (!email) return this.unknown(click, 'Slack does not share your e-mail address with JIT Access, so it cannot tell who you are');
    let logins: string[];
    try {
      logins = await this.directory.loginsWithEmail(email);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      return this.unknown(click, 'the directory cannot be reached to tell who you are; please try again shortly');
    }
    if (logins.length === 1) return logins[0];
    this.logger.info(
      { requestId: click.requestId, memberId: click.memberId, matches: logins.length },
      'Slack member is not one person in the directory',
    );
    const who =
      logins.length === 0
        ? `nobody in the directory has your Slack e-mail address (${email})`
        : `${logins.length} people in the directory share your Slack e-mail address (${email})`;
    return this.unknown(click, `${who}, so JIT Access cannot tell who you are. Please decide on the web`);
  }

  /** Tells the member their click decided nothing because it is not known who they are, and why. */
  private async unknown(click: ButtonClick, why: string): Promise<undefined> {
    await this.explain(click, `Your click on request ${click.requestId} decided nothing: ${why}.`);
    return undefined;
  }

  private explain(click: ButtonClick, text: string): Promise<void> {
    return this.tell(click.memberId, click.requestId, text);
  }

  /** Best effort: the answer stands whether or not the explanation reaches the member. */
  private async tell(memberId: string, requestId: string, text: string): Promise<void> {
    try {
      await this.chat.tellMember(memberId, text);
    } catch (error) {
      this.logger.warn({ requestId, err: (error as Error).message }, 'could not explain a Slack click that did nothing');
    }
  }
}

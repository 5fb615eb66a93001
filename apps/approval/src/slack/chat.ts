import type { Wording } from '../notifications/wording.js';

/** What an approver is shown about a request. */
export interface RequestSummary {
  requester: string;
  applicationName: string;
  durationSeconds: number;
  justification: string;
  /** The stage waiting for the decision, from 0. */
  stage: number;
  /** How many stages the request needs. */
  stages: number;
  /** Set when the question is an extension of granted access (the `index`th asked), not the request itself. */
  extension?: { index: number; expiresAt?: string };
}

/** Where a posted approval message lives, so it can be rewritten once the request is decided. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/**
 * Which notice a posted message was sent for, carried with the message into the chat, so a notice
 * that may have been posted by an attempt that never recorded it is found there, not posted twice.
 */
export interface NoticeMark {
  requestId: string;
  /** The notification outbox's id of the notice. */
  noticeId: string;
}

/** An approval question for one approver. */
export interface ApprovalAsk {
  /** The approver's login (their e-mail). */
  approver: string;
  summary: RequestSummary;
  requestId: string;
  mark: NoticeMark;
}

/** The outcome to show in place of an approval message's buttons. */
export interface DecisionUpdate {
  message: MessageRef;
  summary: RequestSummary;
  requestId: string;
  /** E.g. "Approved by bob@example.com at …", its instants shown in the approver's time zone. */
  outcome: Wording;
  /** The approver the message was sent to (their login), whose time zone the outcome is shown in. */
  approver: string;
}

/** A message to a person, its instants in their time zone. */
export interface PersonMessage {
  login: string;
  text: Wording;
  /** Adds the Extend button for this request (the pre-expiry notice). */
  extend?: { requestId: string };
  /** The notice a new message is posted for. */
  mark?: NoticeMark;
}

/**
 * The chat people approve in and hear back from. Also the Nest injection token of the port.
 * Calls may throw `ChatUnavailableError`, then the caller tries again later.
 */
export abstract class Chat {
  /** Asks an approver to approve or deny; undefined when the approver cannot be reached in the chat at all. */
  abstract askForApproval(ask: ApprovalAsk): Promise<MessageRef | undefined>;

  /** Replaces the buttons of an approval message with the outcome. */
  abstract updateDecision(update: DecisionUpdate): Promise<void>;

  /** Sends a person a direct message and answers where it is; a person the chat does not know is skipped (undefined). */
  abstract tellRequester(message: PersonMessage): Promise<MessageRef | undefined>;

  /**
   * The message posted to a person (by login) with `mark` at `since` or later, looked up in the
   * chat; undefined when there is none (or the person is not in the chat).
   */
  abstract findPosted(login: string, mark: NoticeMark, since: Date): Promise<MessageRef | undefined>;

  /** Rewrites a message sent with `tellRequester`, in the person's time zone. */
  abstract amend(message: MessageRef, person: PersonMessage): Promise<void>;

  /**
   * The e-mail address of a chat member's profile, by the chat's own id for them; undefined when the
   * chat cannot say. Not yet a person: the directory says who has that address.
   */
  abstract emailOf(memberId: string): Promise<string | undefined>;

  /** Sends a member, by the chat's own id for them, a direct message (e.g. why their click did nothing). */
  abstract tellMember(memberId: string, text: string): Promise<void>;

  /**
   * Opens the form asking a member who clicked Deny for the reason (answering the click's
   * `trigger`); `answer` is what the form's submission carries back to say what it denies.
   */
  abstract askDenyReason(trigger: string, answer: string): Promise<void>;
}

/** The chat failed in a way that may pass (outage, rate limit, network); try again after `retryAfterMs` at the earliest. */
export class ChatUnavailableError extends Error {
  override name = 'ChatUnavailableError';

  constructor(
    message: string,
    readonly retryAfterMs = 0,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The chat when none is configured: nobody is asked or told anything, approvals happen on the web. */
export class NoChat extends Chat {
  async askForApproval(): Promise<undefined> {
    return undefined;
  }

  async updateDecision(): Promise<void> {}

  async tellRequester(): Promise<undefined> {
    return undefined;
  }

  async findPosted(): Promise<undefined> {
    return undefined;
  }

  async amend(): Promise<void> {}

  async emailOf(): Promise<undefined> {
    return undefined;
  }

  async tellMember(): Promise<void> {}

  async askDenyReason(): Promise<void> {}
}

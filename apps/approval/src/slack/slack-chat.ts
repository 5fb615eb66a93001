import { webApi, type types } from '@slack/bolt';
import { formatDuration } from '@jit/events';
import { render } from '../notifications/wording.js';
import {
  Chat,
  ChatUnavailableError,
  type ApprovalAsk,
  type DecisionUpdate,
  type MessageRef,
  type NoticeMark,
  type PersonMessage,
  type RequestSummary,
} from './chat.js';

/** How to reach Slack's Web API. */
export interface SlackChatOptions {
  /** Bot token (xoxb-…) with `users:read`, `users:read.email`, `im:write`, `im:history`, `chat:write`. */
  token: string;
  /** Base URL of the Web API, `https://slack.com/api/` (or the simulator's `${url}/api/`). */
  apiUrl: string;
  /** Longest wait for one call. */
  timeoutMs?: number;
}

/** Action ids of the approval message's buttons; their value names the request and the stage asked (`buttonValue`). */
export const APPROVE_ACTION = 'approve';
export const DENY_ACTION = 'deny';

/** Callback id of the form asking for the reason of a denial, and the ids of its one input. */
export const DENY_REASON_VIEW = 'deny_reason';
export const DENY_REASON_INPUT = 'reason';

/** Action id of the pre-expiry notice's Extend button; its value is the request id. */
export const EXTEND_ACTION = 'extend';

/** What an approval message's button answers: the request, and the stage (or the extension) the message asked about. */
export type ButtonTarget =
  { requestId: string; stage: number; extension?: undefined } | { requestId: string; extension: number; stage?: undefined };

/**
 * The value of an approval message's buttons: `<request id>:<stage>`, or `<request id>:e<n>` for
 * the `n`th extension, so a click can never answer another question than the one shown.
 */
export function buttonValue(target: ButtonTarget): string {
  return target.extension === undefined ? `${target.requestId}:${target.stage}` : `${target.requestId}:e${target.extension}`;
}

const BUTTON_VALUE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(e?)(\d{1,3})$/i;

/** The target of a button's value; undefined for anything else (buttons posted before they named their stage held the request id alone). */
export function buttonTargetOf(value: string): ButtonTarget | undefined {
  const match = BUTTON_VALUE.exec(value);
  if (!match) return undefined;
  const requestId = match[1].toLowerCase();
  return match[2] ? { requestId, extension: Number(match[3]) } : { requestId, stage: Number(match[3]) };
}

type Block = types.KnownBlock;

/** The `event_type` of the metadata every notice's message carries: which request and notice it was posted for. */
export const NOTICE_EVENT_TYPE = 'jit_notice';

/** Messages per `conversations.history` page when looking for a notice's message (Slack suggests at most 200). */
const HISTORY_PAGE = 200;

/** Slack message metadata naming the notice a message is posted for. */
function metadataOf(mark: NoticeMark): types.MessageMetadata {
  return { event_type: NOTICE_EVENT_TYPE, event_payload: { request_id: mark.requestId, notice_id: mark.noticeId } };
}

function isMarked(metadata: { event_type?: string; event_payload?: Record<string, unknown> } | undefined, mark: NoticeMark): boolean {
  const payload = metadata?.event_payload;
  return metadata?.event_type === NOTICE_EVENT_TYPE && payload?.request_id === mark.requestId && payload?.notice_id === mark.noticeId;
}

/**
 * `Chat` over Slack's Web API (the Bolt SDK's `WebClient`): approvers and requesters are found by
 * e-mail (`users.lookupByEmail`) and written to in the app's DM with them.
 */
export class SlackChat extends Chat {
  private readonly client: webApi.WebClient;

  constructor(options: SlackChatOptions) {
    super();
    this.client = new webApi.WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      timeout: options.timeoutMs ?? 10_000,
      // The notification outbox retries with its own backoff; the SDK's default would hold a call for up to 30 minutes.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: webApi.LogLevel.ERROR,
    });
  }

  async askForApproval({ approver, summary, requestId, mark }: ApprovalAsk): Promise<MessageRef | undefined> {
    const member = await this.memberWith(approver);
    if (!member) return undefined;
    const channel = await this.openDm(member.id);
    const asks = summary.extension ? 'asks to extend' : 'asks for';
    const target: ButtonTarget = summary.extension
      ? { requestId, extension: summary.extension.index }
      : { requestId, stage: summary.stage };
    const posted = await this.call(() =>
      this.client.chat.postMessage({
        channel,
        text: `${summary.requester} ${asks} ${summary.applicationName} (${formatDuration(summary.durationSeconds)}): approve or deny?`,
        blocks: [...describe(summary, requestId, member.tz), decisionButtons(target)],
        metadata: metadataOf(mark),
      }),
    );
    return { channel: posted.channel ?? channel, ts: posted.ts as string };
  }

  async updateDecision({ message, summary, requestId, outcome, approver }: DecisionUpdate): Promise<void> {
    const tz = (await this.memberWith(approver))?.tz;
    const said = render(outcome, tz);
    await this.call(() =>
      this.client.chat.update({
        channel: message.channel,
        ts: message.ts,
        text: `${summary.requester} asked for ${summary.applicationName}: ${said}`,
        blocks: [...describe(summary, requestId, tz), { type: 'section', text: { type: 'mrkdwn', text: `*${escape(said)}*` } }],
      }),
    );
  }

  async tellRequester({ login, text, extend, mark }: PersonMessage): Promise<MessageRef | undefined> {
    const member = await this.memberWith(login);
    if (!member) return undefined;
    const channel = await this.openDm(member.id);
    const said = render(text, member.tz);
    const blocks: Block[] | undefined = extend
      ? [{ type: 'section', text: { type: 'mrkdwn', text: escape(said) } }, extendButton(extend.requestId)]
      : undefined;
    const posted = await this.call(() =>
      this.client.chat.postMessage({ channel, text: said, ...(blocks ? { blocks } : {}), ...(mark ? { metadata: metadataOf(mark) } : {}) }),
    );
    return { channel: posted.channel ?? channel, ts: posted.ts as string };
  }

  /**
   * Pages through the app's DM with the person (`conversations.history`, newest first, from `since`
   * on) for the message whose metadata names the notice. Slack returns metadata only when asked
   * with `include_all_metadata`.
   */
  async findPosted(login: string, mark: NoticeMark, since: Date): Promise<MessageRef | undefined> {
    const member = await this.memberWith(login);
    if (!member) return undefined;
    const channel = await this.openDm(member.id);
    const oldest = (since.getTime() / 1000).toFixed(6);
    let cursor: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.conversations.history({
          channel,
          oldest,
          limit: HISTORY_PAGE,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        }),
      );
      const found = page.messages?.find((message) => isMarked(message.metadata, mark));
      if (found?.ts) return { channel, ts: found.ts };
      cursor = page.has_more ? page.response_metadata?.next_cursor || undefined : undefined;
    } while (cursor);
    return undefined;
  }

  async amend(message: MessageRef, { login, text }: PersonMessage): Promise<void> {
    const said = render(text, (await this.memberWith(login))?.tz);
    await this.call(() => this.client.chat.update({ channel: message.channel, ts: message.ts, text: said }));
  }

  /** A member's Slack user id to their profile e-mail (`users.info`); undefined for a member Slack does not know or who has no e-mail. */
  async emailOf(slackUserId: string): Promise<string | undefined> {
    const answer = await this.call(() => this.client.users.info({ user: slackUserId }), ['user_not_found']);
    return answer?.user?.profile?.email || undefined;
  }

  async tellMember(slackUserId: string, text: string): Promise<void> {
    const channel = await this.openDm(slackUserId);
    await this.call(() => this.client.chat.postMessage({ channel, text }));
  }

  async askDenyReason(trigger: string, answer: string): Promise<void> {
    await this.call(() =>
      this.client.views.open({
        trigger_id: trigger,
        view: {
          type: 'modal',
          callback_id: DENY_REASON_VIEW,
          private_metadata: answer,
          title: { type: 'plain_text', text: 'Deny the request' },
          submit: { type: 'plain_text', text: 'Deny' },
          close: { type: 'plain_text', text: 'Cancel' },
          blocks: [
            {
              type: 'input',
              block_id: DENY_REASON_INPUT,
              label: { type: 'plain_text', text: 'Why? The requester reads this.' },
              element: { type: 'plain_text_input', action_id: DENY_REASON_INPUT, multiline: true, max_length: 2000 },
            },
          ],
        },
      }),
    );
  }

  /** The member with a person's e-mail, and their time zone; undefined for a person without a Slack account (they use the web). */
  private async memberWith(login: string): Promise<{ id: string; tz?: string } | undefined> {
    const found = await this.call(() => this.client.users.lookupByEmail({ email: login }), ['users_not_found']);
    const id = found?.user?.id;
    return id ? { id, ...(found?.user?.tz ? { tz: found.user.tz } : {}) } : undefined;
  }

  private async openDm(slackUserId: string): Promise<string> {
    const opened = await this.call(() => this.client.conversations.open({ users: slackUserId }));
    return opened.channel?.id as string;
  }

  /** Runs a Web API call; the named Slack errors are answers (undefined), outages become `ChatUnavailableError`. */
  private async call<T>(request: () => Promise<T>): Promise<T>;
  private async call<T>(request: () => Promise<T>, answers: string[]): Promise<T | undefined>;
  private async call<T>(request: () => Promise<T>, answers: string[] = []): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      const coded = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number };
      switch (coded.code) {
        case webApi.ErrorCode.PlatformError:
          if (coded.data?.error && answers.includes(coded.data.error)) return undefined;
          throw error;
        case webApi.ErrorCode.RateLimitedError:
          throw new ChatUnavailableError('Slack rate-limited the call', (coded.retryAfter ?? 1) * 1000, { cause: error });
        case webApi.ErrorCode.HTTPError:
          throw new ChatUnavailableError(`Slack answered HTTP ${coded.statusCode}`, 0, { cause: error });
        case webApi.ErrorCode.RequestError:
          throw new ChatUnavailableError(`Slack could not be reached: ${(error as Error).message}`, 0, { cause: error });
        default:
          throw error;
      }
    }
  }
}

function describe(summary: RequestSummary, requestId: string, timeZone: string | undefined): Block[] {
  const who = `*${escape(summary.requester)}*`;
  const what = `*${escape(summary.applicationName)}*`;
  const duration = `*${formatDuration(summary.durationSeconds)}*`;
  const ends = summary.extension?.expiresAt ? render([' (it now ends at ', { at: summary.extension.expiresAt }, ')'], timeZone) : '';
  const asks = summary.extension ? `${who} asks to extend ${what} by ${duration}${ends}` : `${who} asks for ${what} for ${duration}`;
  const lines = [asks, `>${escape(summary.justification)}`];
  const stage = summary.extension ? 'Extension · ' : summary.stages > 1 ? `Stage ${summary.stage + 1} of ${summary.stages} · ` : '';
  return [
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${stage}request ${requestId}` }] },
  ];
}

function decisionButtons(target: ButtonTarget): types.ActionsBlock {
  const value = buttonValue(target);
  return {
    type: 'actions',
    block_id: 'decision',
    elements: [
      { type: 'button', action_id: APPROVE_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value },
      { type: 'button', action_id: DENY_ACTION, style: 'danger', text: { type: 'plain_text', text: 'Deny' }, value },
    ],
  };
}

function extendButton(requestId: string): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: 'extension',
    elements: [
      { type: 'button', action_id: EXTEND_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Extend' }, value: requestId },
    ],
  };
}

/** Slack's mrkdwn treats `&`, `<` and `>` as control characters; people's text must not make links or mentions. */
function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

import type { SimContext } from '../context.js';
import { slackMessageJson, slackUserJson, slackViewJson } from './representations.js';
import { microsOf, type SlackMetadata } from './workspace.js';

/** Arguments of a Web API call, from the query string and the form or JSON body. */
export type SlackArgs = Record<string, unknown>;

/** What a method answers: the body sent with HTTP 200. */
export type SlackResult = { ok: true } & Record<string, unknown>;

/** A Web API method: returns its result, or the Slack error code. */
export type SlackMethod = (args: SlackArgs, ctx: SimContext) => SlackResult | { error: string };

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A boolean argument: `true` in JSON, `true` or `1` in a form. */
const flag = (value: unknown): boolean => value === true || value === 'true' || value === '1';

/** What `jsonArgument` answers for a string that is not JSON. */
const INVALID = Symbol('invalid');

/**
 * A structured argument, which arrives as a JSON string in form bodies and as JSON in JSON bodies:
 * undefined when absent, `invalid` when it is not JSON.
 */
function jsonArgument(value: unknown): unknown {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return INVALID;
  }
}

/** `metadata`: `{event_type, event_payload}`, the payload an object. */
function parseMetadata(value: unknown): SlackMetadata | undefined | 'invalid' {
  const parsed = jsonArgument(value);
  if (parsed === undefined) return undefined;
  const { event_type: type, event_payload: payload } = (parsed ?? {}) as { event_type?: unknown; event_payload?: unknown };
  const valid = typeof type === 'string' && type !== '' && typeof payload === 'object' && payload !== null && !Array.isArray(payload);
  return valid ? { event_type: type, event_payload: payload as Record<string, unknown> } : 'invalid';
}

/** `blocks`: an array of typed blocks. */
function parseBlocks(value: unknown): unknown[] | undefined | 'invalid' {
  const parsed = jsonArgument(value);
  if (parsed === undefined) return undefined;
  const valid =
    Array.isArray(parsed) && parsed.every((b) => typeof b === 'object' && b !== null && typeof (b as { type?: unknown }).type === 'string');
  return valid ? (parsed as unknown[]) : 'invalid';
}

/** Resolves a channel argument: a DM id, or a member id, which Slack treats as the app's DM with that member. */
function resolveChannel(ctx: SimContext, channel: string | undefined): string | undefined {
  if (!channel) return undefined;
  const member = ctx.slack.findById(channel);
  if (member) return ctx.slack.dmChannelOf(member);
  return ctx.slack.personOfChannel(channel) ? channel : undefined;
}

const usersLookupByEmail: SlackMethod = (args, ctx) => {
  const person = ctx.slack.findByEmail(str(args.email) ?? '');
  return person ? { ok: true, user: slackUserJson(person) } : { error: 'users_not_found' };
};

const usersInfo: SlackMethod = (args, ctx) => {
  const person = ctx.slack.findById(str(args.user) ?? '');
  return person ? { ok: true, user: slackUserJson(person) } : { error: 'user_not_found' };
};

const conversationsOpen: SlackMethod = (args, ctx) => {
  const users = (str(args.users) ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const channel = str(args.channel);
  if (users.length === 0 && !channel) return { error: 'users_list_not_supplied' };
  // Only 1:1 DMs between the app and one member are simulated.
  if (users.length > 1) return { error: 'too_many_users' };
  const person = users.length === 1 ? ctx.slack.findById(users[0]) : ctx.slack.personOfChannel(channel ?? '');
  if (!person) return { error: users.length === 1 ? 'user_not_found' : 'channel_not_found' };
  const alreadyOpen = ctx.slack.openDm(person);
  const id = ctx.slack.dmChannelOf(person);
  const returnIm = flag(args.return_im);
  return {
    ok: true,
    ...(alreadyOpen ? { no_op: true, already_open: true } : {}),
    channel: returnIm ? { id, is_im: true, is_open: true, user: person.slackId, unread_count: 0, unread_count_display: 0 } : { id },
  };
};

const chatPostMessage: SlackMethod = (args, ctx) => {
  const channel = resolveChannel(ctx, str(args.channel));
  if (!channel) return { error: 'channel_not_found' };
  const blocks = parseBlocks(args.blocks);
  if (blocks === 'invalid') return { error: 'invalid_blocks' };
  const text = typeof args.text === 'string' ? args.text : '';
  if (text === '' && !blocks) return { error: 'no_text' };
  const metadata = parseMetadata(args.metadata);
  if (metadata === 'invalid') return { error: 'invalid_metadata_format' };
  const message = ctx.slack.post(channel, text, blocks, metadata);
  return { ok: true, channel, ts: message.ts, message: slackMessageJson(message) };
};

const chatUpdate: SlackMethod = (args, ctx) => {
  const channel = resolveChannel(ctx, str(args.channel));
  if (!channel) return { error: 'channel_not_found' };
  const message = ctx.slack.find(channel, str(args.ts) ?? '');
  if (!message) return { error: 'message_not_found' };
  const blocks = parseBlocks(args.blocks);
  if (blocks === 'invalid') return { error: 'invalid_blocks' };
  const text = typeof args.text === 'string' ? args.text : undefined;
  if (text === undefined && !blocks) return { error: 'no_text' };
  ctx.slack.update(message, text, blocks);
  const { ts: _ts, ...body } = slackMessageJson(message);
  return { ok: true, channel, ts: message.ts, text: message.text, message: { ...body, edited: message.edited } };
};

/** Most messages one page of `conversations.history` holds (Slack's documented maximum), and how many without `limit`. */
const HISTORY_MAX_LIMIT = 999;
const HISTORY_DEFAULT_LIMIT = 100;

/** Slack's cursors are opaque base64; this one says where the next page starts: `next_ts:<ts>`, inclusive. */
const cursorOf = (ts: string): string => Buffer.from(`next_ts:${ts}`).toString('base64');
const cursorStart = (cursor: string): number => {
  const match = /^next_ts:(\d+\.\d{6})$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? microsOf(match[1]) : Number.NaN;
};

/**
 * `conversations.history` of one of the app's DMs: newest first, within `oldest`/`latest` (exclusive
 * unless `inclusive`), `limit` a page, paged by `cursor`; message metadata only with `include_all_metadata`.
 */
const conversationsHistory: SlackMethod = (args, ctx) => {
  const channel = resolveChannel(ctx, str(args.channel));
  if (!channel || !channel.startsWith('D')) return { error: 'channel_not_found' };
  const window = { oldest: optionalMicros(args.oldest), latest: optionalMicros(args.latest), inclusive: flag(args.inclusive) };
  if (Number.isNaN(window.oldest)) return { error: 'invalid_ts_oldest' };
  if (Number.isNaN(window.latest)) return { error: 'invalid_ts_latest' };
  const cursor = str(args.cursor);
  const startAt = cursor === undefined ? undefined : cursorStart(cursor);
  if (Number.isNaN(startAt)) return { error: 'invalid_cursor' };
  const requested = Number(args.limit);
  const limit = Number.isInteger(requested) && requested > 0 ? Math.min(requested, HISTORY_MAX_LIMIT) : HISTORY_DEFAULT_LIMIT;
  const listed = ctx.slack.history(channel, window).filter((m) => startAt === undefined || microsOf(m.ts) <= startAt);
  const page = listed.slice(0, limit);
  const next = listed[limit];
  const withMetadata = flag(args.include_all_metadata);
  return {
    ok: true,
    messages: page.map((m) => {
      const { metadata, ...json } = slackMessageJson(m);
      return { ...json, ...(m.edited ? { edited: m.edited } : {}), ...(withMetadata && metadata ? { metadata } : {}) };
    }),
    has_more: next !== undefined,
    pin_count: 0,
    channel_actions_ts: null,
    channel_actions_count: 0,
    ...(next ? { response_metadata: { next_cursor: cursorOf(next.ts) } } : {}),
  };
};

/** A timestamp argument in microseconds: undefined when absent, NaN when it is not a timestamp. */
function optionalMicros(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  return microsOf(String(value));
}

/**
 * `views.open`: a modal for a trigger (each trigger exchanged once, as Slack does; its 3-second
 * expiry is not simulated). The view must be a JSON modal with a title and blocks.
 */
const viewsOpen: SlackMethod = (args, ctx) => {
  const triggerId = str(args.trigger_id);
  const view = jsonArgument(args.view);
  if (view === INVALID) return { error: 'invalid_arguments' };
  const modal = view as { type?: unknown; title?: unknown; blocks?: unknown } | undefined;
  if (
    !triggerId ||
    !modal ||
    modal.type !== 'modal' ||
    typeof modal.title !== 'object' ||
    parseBlocks(modal.blocks) === 'invalid' ||
    !modal.blocks
  ) {
    return { error: 'invalid_arguments' };
  }
  const opened = ctx.slack.openView(triggerId, modal as Record<string, unknown>);
  if (!opened) return { error: 'exchanged_trigger_id' };
  return { ok: true, view: slackViewJson(opened) };
};

/** The Web API methods the simulator serves. */
export const slackMethods: Readonly<Record<string, SlackMethod>> = {
  'users.lookupByEmail': usersLookupByEmail,
  'users.info': usersInfo,
  'conversations.open': conversationsOpen,
  'conversations.history': conversationsHistory,
  'chat.postMessage': chatPostMessage,
  'chat.update': chatUpdate,
  'views.open': viewsOpen,
};

import type { People, Person } from '../directory/people.js';

/** Member id and bot id of the app the simulator's bot token belongs to. */
export const SLACK_BOT = { userId: 'U0JITBOT001', botId: 'B0JITBOT001' } as const;

/** A message the app posted, kept as sent; `chat.update` rewrites it in place. */
export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  edited?: { user: string; ts: string };
  /** Slack message metadata the app attached when posting (`event_type` and its `event_payload`). */
  metadata?: SlackMetadata;
}

/** Message metadata as Slack keeps it with a message. */
export interface SlackMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** Which messages of a channel `conversations.history` answers: Slack's `oldest`/`latest` window, in microseconds since the epoch. */
export interface HistoryWindow {
  oldest?: number;
  latest?: number;
  inclusive: boolean;
}

/** A Slack `ts` ("seconds.micros") or a timestamp argument ("1700000000", "1700000000.5") in whole microseconds; NaN if it is neither. */
export function microsOf(ts: string): number {
  return /^\d{1,12}(\.\d{1,6})?$/.test(ts) ? Math.round(Number(ts) * 1_000_000) : Number.NaN;
}

/** The workspace's state as `SlackWorkspace.snapshot` returns it. */
export interface SlackSnapshot {
  messages: Map<string, SlackMessage[]>;
  openDms: Set<string>;
  lastTs: number;
}

/** A modal the app opened with `views.open`, as Slack keeps it: the trigger it answered and the view. */
export interface SlackView {
  id: string;
  triggerId: string;
  view: Record<string, unknown>;
}

/** The simulated workspace: every person of the company's directory as a member, the app's DMs with them and its messages there. */
export class SlackWorkspace {
  private readonly messages = new Map<string, SlackMessage[]>();
  private readonly openDms = new Set<string>();
  private readonly views: SlackView[] = [];
  private lastTs = 0;

  constructor(private readonly people: People) {}

  /** Finds a member by e-mail (case-insensitive, as Slack matches addresses). */
  findByEmail(email: string): Person | undefined {
    return this.people.findByEmail(email);
  }

  /** Finds a member by Slack id. */
  findById(userId: string): Person | undefined {
    return this.people.findBySlackId(userId);
  }

  /** The id of the app's DM with a member: `D` + the member id without its `U`, stable across resets. */
  dmChannelOf(person: Person): string {
    return `D${person.slackId.slice(1)}`;
  }

  /** The member a DM channel belongs to. */
  personOfChannel(channel: string): Person | undefined {
    return channel.startsWith('D') ? this.people.findBySlackId(`U${channel.slice(1)}`) : undefined;
  }

  /** Opens the DM with a member; returns whether it was already open. */
  openDm(person: Person): boolean {
    const channel = this.dmChannelOf(person);
    const alreadyOpen = this.openDms.has(channel);
    this.openDms.add(channel);
    return alreadyOpen;
  }

  /** Stores a new message and gives it a unique `ts` (seconds.microseconds, strictly increasing). */
  post(channel: string, text: string, blocks?: unknown[], metadata?: SlackMetadata): SlackMessage {
    const message: SlackMessage = { channel, ts: this.nextTs(), text, ...(blocks ? { blocks } : {}), ...(metadata ? { metadata } : {}) };
    this.messages.set(channel, [...(this.messages.get(channel) ?? []), message]);
    return message;
  }

  /** Finds a message by channel and `ts`. */
  find(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  /** Rewrites a message's text and/or blocks and marks it edited, as `chat.update` does. */
  update(message: SlackMessage, text: string | undefined, blocks: unknown[] | undefined): void {
    if (text !== undefined) message.text = text;
    if (blocks !== undefined) message.blocks = blocks;
    message.edited = { user: SLACK_BOT.userId, ts: this.nextTs() };
  }

  /** Messages in a channel, oldest first. */
  messagesIn(channel: string): SlackMessage[] {
    return this.messages.get(channel) ?? [];
  }

  /** The messages of a channel within a window, newest first, as `conversations.history` lists them before paging. */
  history(channel: string, { oldest, latest, inclusive }: HistoryWindow): SlackMessage[] {
    const after = (ts: number) => oldest === undefined || (inclusive ? ts >= oldest : ts > oldest);
    const before = (ts: number) => latest === undefined || (inclusive ? ts <= latest : ts < latest);
    return this.messagesIn(channel)
      .filter((m) => after(microsOf(m.ts)) && before(microsOf(m.ts)))
      .reverse();
  }

  /** Open DMs and every message, as `restore` takes them back. */
  snapshot(): SlackSnapshot {
    return { messages: new Map(this.messages), openDms: new Set(this.openDms), lastTs: this.lastTs };
  }

  /** Replaces the DMs and messages with a snapshot's. */
  restore(snapshot: SlackSnapshot): void {
    this.reset();
    for (const [channel, messages] of snapshot.messages) this.messages.set(channel, messages);
    for (const channel of snapshot.openDms) this.openDms.add(channel);
    this.lastTs = snapshot.lastTs;
  }

  /** Opens a modal for a trigger; undefined when the trigger was used already (Slack exchanges each trigger once). */
  openView(triggerId: string, view: Record<string, unknown>): SlackView | undefined {
    if (this.views.some((v) => v.triggerId === triggerId)) return undefined;
    const opened = { id: `V${String(this.views.length + 1).padStart(10, '0')}`, triggerId, view };
    this.views.push(opened);
    return opened;
  }

  /** The modals opened, oldest first. */
  openedViews(): SlackView[] {
    return [...this.views];
  }

  /** Back to no DMs, no messages and no modals. */
  reset(): void {
    this.messages.clear();
    this.openDms.clear();
    this.views.length = 0;
  }

  private nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, backoffDelay, tableOf } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import { Chat, ChatUnavailableError, type MessageRef, type NoticeMark } from '../slack/chat.js';
import type { ApprovalConfig } from '../config.js';
import { REQUESTER_MESSAGE_STAGE, type Notice } from './notices.js';
import { noticesChannel } from './notification-outbox.js';

/** Notices sent per tick at most, so shutdown never waits long. */
const BATCH = 50;

/** Notices claimed in one statement: each is sent in turn, well inside its lease. */
const CLAIM_AT_ONCE = 10;

/**
 * Attempts before a notice the chat refuses is given up (state `failed`, error kept): about twenty
 * minutes with the default tick. A chat that is unavailable is waited for, however long.
 */
const MAX_ATTEMPTS = 12;

/** Longest wait between two attempts. */
const MAX_DELAY_MS = 5 * 60_000;

/**
 * How long a claimed notice is left to the replica that claimed it. Longer than any send (each chat
 * call times out after 10 s); a replica that dies mid-send leaves the notice to another after it.
 */
const LEASE_MS = 60_000;

/**
 * How far before a notice's first claim its message is looked for: the claim time is the
 * database's clock and a message's `ts` Slack's, which may disagree by this much. Looking further
 * back costs a page at most; the message is told apart by its metadata, not by its time.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

interface ClaimedRow {
  id: string;
  notice: Notice;
  attempts: number;
  recipient: string | null;
  /** When the notice was first claimed, if this is not its first claim: it may have been posted already. */
  claimed_before: Date | null;
}

/**
 * Sends the recorded chat notices, oldest first and in order per request (an outcome waits for the
 * question it answers), retrying failures with backoff. A notice is claimed in a statement of its
 * own (`FOR UPDATE SKIP LOCKED`, then a lease), sent with no transaction open and no lock held, and
 * its result committed in a short transaction, so a slow chat costs time, never connections.
 */
@Injectable()
export class NotificationRelay extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chat: Chat,
    @Inject(SERVICE_CONFIG) private readonly config: ApprovalConfig,
    clock: Clock,
  ) {
    super();
    this.wakeOnAnnouncements(dataSource, noticesChannel(dataSource), clock);
  }

  protected get intervalMs(): number {
    return this.config.SLACK_NOTIFY_TICK_MS;
  }

  /**
   * When the next notice that may be sent falls due (its retry, its claim running out), by the
   * database's clock as the claims are: a notice behind an earlier one of its request waits for it.
   */
  protected override async msUntilNextDue(): Promise<number | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT (EXTRACT(EPOCH FROM min(next_attempt_at) - now()) * 1000)::float8 AS ms FROM ${this.table('notifications')} n
       WHERE ${this.firstPending()}`,
    )) as { ms: number | null }[];
    return row?.ms ?? undefined;
  }

  async tick(): Promise<number> {
    let sent = 0;
    while (this.running && sent < BATCH) {
      const claimedAt = Date.now();
      const rows = await this.claimDue(Math.min(CLAIM_AT_ONCE, BATCH - sent));
      if (rows.length === 0) break;
      for (const [i, row] of rows.entries()) {
        // A slow chat must not run a claim past its lease (another replica would take the notice up
        // while this one may still send it): what is left is given back, for the next claim.
        if (!this.running || Date.now() - claimedAt > LEASE_MS / 2) {
          await this.giveBack(rows.slice(i));
          return sent;
        }
        await this.deliver(row);
        sent += 1;
      }
    }
    return sent;
  }

  /** Ends the claim of notices not sent: they are due again at once. */
  private async giveBack(rows: ClaimedRow[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table('notifications')} SET next_attempt_at = now() WHERE id = ANY($1) AND state = 'pending'`,
      [rows.map((row) => row.id)],
    );
  }

  /**
   * Claims up to `limit` due notices, oldest first, by moving their next attempt past the lease.
   * Retry times and leases come from the database's clock, so replicas agree on what is due; an
   * earlier notice of the same request that is still pending (claimed or not) holds the later ones
   * back, so one claim never holds two notices of one request.
   */
  private async claimDue(limit: number): Promise<ClaimedRow[]> {
    const table = this.table('notifications');
    const [rows] = (await this.dataSource.query(
      `WITH due AS (
         SELECT id, first_claimed_at AS claimed_before FROM ${table} n
         WHERE ${this.firstPending()} AND next_attempt_at <= now()
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE ${table} t SET next_attempt_at = now() + make_interval(secs => $1::double precision / 1000),
         first_claimed_at = COALESCE(t.first_claimed_at, now())
       FROM due WHERE t.id = due.id
       RETURNING t.id, t.notice, t.attempts, t.recipient, due.claimed_before`,
      [LEASE_MS, limit],
    )) as [ClaimedRow[], number];
    return rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** Notices `n` that are pending with no earlier notice of their request still pending: those that may be sent next. */
  private firstPending(): string {
    const table = this.table('notifications');
    return `n.state = 'pending' AND NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.request_id = n.request_id AND e.state = 'pending' AND e.id < n.id)`;
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    let posted: MessageRef | undefined;
    try {
      posted = await this.send(row);
    } catch (error) {
      await this.retryLater(row, error);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      const filed = posted && fileOf(row.notice);
      if (posted && filed) {
        await manager.query(
          `INSERT INTO ${this.table('chat_messages')} (request_id, stage, approver, channel, ts) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [row.notice.requestId, filed.stage, filed.login, posted.channel, posted.ts],
        );
      }
      await manager.query(
        `UPDATE ${this.table('notifications')} SET state = 'sent', attempts = attempts + 1, last_error = NULL, done_at = now() WHERE id = $1`,
        [row.id],
      );
    });
  }

  /** Sends one notice to the chat; answers the message it posted, which is filed when it is to be rewritten later. */
  private async send(row: ClaimedRow): Promise<MessageRef | undefined> {
    const { notice } = row;
    const messages = this.table('chat_messages');
    const mark: NoticeMark = { requestId: notice.requestId, noticeId: String(row.id) };
    switch (notice.kind) {
      case 'ask': {
        const { requestId, approver, summary } = notice;
        const asked = await this.dataSource.query(`SELECT 1 FROM ${messages} WHERE request_id = $1 AND stage = $2 AND approver = $3`, [
          requestId,
          summary.stage,
          approver,
        ]);
        if (asked.length > 0) return undefined;
        const earlier = await this.postedBefore(row, approver, mark);
        if (earlier) return earlier;
        const message = await this.chat.askForApproval({ approver, summary, requestId, mark });
        if (!message) this.logger.warn({ requestId, approver }, 'approver is not in the chat; they can decide on the web');
        return message;
      }
      case 'update': {
        const { requestId, stage, outcome, summary } = notice;
        const posted = (await this.dataSource.query(
          `SELECT channel, ts, approver FROM ${messages} WHERE request_id = $1 AND stage = $2 ORDER BY approver`,
          [requestId, stage],
        )) as (MessageRef & { approver: string })[];
        // chat.update is idempotent, so a retry after a partial failure rewrites every message again.
        for (const { approver, ...message } of posted) await this.chat.updateDecision({ message, summary, requestId, outcome, approver });
        return undefined;
      }
      case 'tell': {
        const { login, text, extend, requestId } = notice;
        const earlier = await this.postedBefore(row, login, mark);
        if (earlier) return earlier;
        return this.chat.tellRequester({ login, text, mark, ...(extend ? { extend: { requestId } } : {}) });
      }
      case 'amend': {
        const { requestId, login, text } = notice;
        const [kept] = (await this.dataSource.query(`SELECT channel, ts FROM ${messages} WHERE request_id = $1 AND stage = $2`, [
          requestId,
          REQUESTER_MESSAGE_STAGE,
        ])) as MessageRef[];
        if (kept) await this.chat.amend(kept, { login, text });
        return undefined;
      }
      default: {
        const _exhaustive: never = notice;
        throw new Error(`unknown notice ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  /**
   * The message an earlier claim of the notice posted, if Slack took it before that attempt could
   * record it (a crash, a lease that ran out, a timeout after Slack accepted): chat.postMessage is
   * not idempotent, so a notice claimed before is looked for in the person's DM before it is
   * posted again. A first claim posts at once, with no lookup.
   */
  private async postedBefore(row: ClaimedRow, login: string, mark: NoticeMark): Promise<MessageRef | undefined> {
    if (!row.claimed_before) return undefined;
    const since = new Date(row.claimed_before.getTime() - CLOCK_SKEW_MS);
    const found = await this.chat.findPosted(login, mark, since);
    if (found)
      this.logger.log({ notificationId: row.id, requestId: mark.requestId }, 'chat notice was posted by an earlier attempt; recording it');
    return found;
  }

  private async retryLater(row: ClaimedRow, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const reason = error instanceof Error ? error.message : String(error);
    const context = { notificationId: row.id, requestId: row.notice.requestId, kind: row.notice.kind, attempts, err: reason };
    const table = this.table('notifications');
    // An outage or a rate limit passes: what was meant to be said is said once the chat is back. Anything else is given up in the end.
    if (attempts >= MAX_ATTEMPTS && !(error instanceof ChatUnavailableError)) {
      this.logger.error(context, 'giving up on a chat notice');
      await this.dataSource.query(`UPDATE ${table} SET state = 'failed', attempts = $2, last_error = $3, done_at = now() WHERE id = $1`, [
        row.id,
        attempts,
        reason,
      ]);
      return;
    }
    const backoff = backoffDelay(attempts, { baseMs: this.intervalMs, maxMs: MAX_DELAY_MS });
    const retryAfterMs = error instanceof ChatUnavailableError ? error.retryAfterMs : 0;
    const delayMs = Math.max(backoff, retryAfterMs);
    this.logger.warn({ ...context, delayMs }, 'chat notice failed; retrying later');
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE ${table} SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
         WHERE id = $1`,
        [row.id, attempts, reason, delayMs],
      );
      // Slack's Retry-After holds the channel: nothing more is sent to that person before it, whatever request it is about.
      if (retryAfterMs > 0 && row.recipient) {
        await manager.query(
          `UPDATE ${table} SET next_attempt_at = GREATEST(next_attempt_at, now() + make_interval(secs => $2::double precision / 1000))
           WHERE state = 'pending' AND recipient = $1`,
          [row.recipient, retryAfterMs],
        );
      }
    });
  }

  private table(name: string): string {
    return tableOf(this.dataSource, name);
  }
}

/** Where a posted message is filed to be rewritten later: an approval question under its stage, a kept message of the requester's. */
function fileOf(notice: Notice): { stage: number; login: string } | undefined {
  if (notice.kind === 'ask') return { stage: notice.summary.stage, login: notice.approver };
  if (notice.kind === 'tell' && notice.keep) return { stage: REQUESTER_MESSAGE_STAGE, login: notice.login };
  return undefined;
}

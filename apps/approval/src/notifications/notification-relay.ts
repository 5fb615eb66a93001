import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import type { ApprovalConfig } from '../config.js';
import { Chat, ChatUnavailableError } from './chat.js';
import type { Notice } from './notices.js';

/** Notices sent per tick at most, so shutdown never waits long. */
const BATCH = 50;

/** Attempts before a notice is given up (state `failed`, error kept): about twenty minutes with the default tick. */
const MAX_ATTEMPTS = 12;

/** Longest wait between two attempts. */
const MAX_DELAY_MS = 5 * 60_000;

interface PendingRow {
  id: string;
  notice: Notice;
  attempts: number;
}

/**
 * Sends the recorded chat notices, oldest first and in order per request (an outcome waits for the
 * question it answers), retrying failures with exponential backoff. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so replicas share the work and never send a notice twice at once.
 */
@Injectable()
export class ChatNotificationRelay extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chat: Chat,
    @Inject(SERVICE_CONFIG) private readonly config: ApprovalConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.SLACK_NOTIFY_TICK_MS;
  }

  async tick(): Promise<number> {
    let sent = 0;
    while (this.running && sent < BATCH && (await this.dataSource.transaction((manager) => this.sendNext(manager)))) sent += 1;
    return sent;
  }

  /** Sends the next due notice; false when none is due. */
  private async sendNext(manager: EntityManager): Promise<boolean> {
    const table = tableOf(manager, 'slack_notifications');
    // Retry times come from the database's clock, like the claim itself, so replicas agree on what is due.
    const [row] = (await manager.query(
      `SELECT id, notice, attempts FROM ${table} n
       WHERE state = 'pending' AND next_attempt_at <= now()
         AND NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.request_id = n.request_id AND e.state = 'pending' AND e.id < n.id)
       ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
    )) as PendingRow[];
    if (!row) return false;
    try {
      await this.send(manager, row.notice);
      await manager.query(`UPDATE ${table} SET state = 'sent', attempts = attempts + 1, last_error = NULL, done_at = now() WHERE id = $1`, [
        row.id,
      ]);
    } catch (error) {
      await this.retryLater(manager, row, error);
    }
    return true;
  }

  private async send(manager: EntityManager, notice: Notice): Promise<void> {
    const messages = tableOf(manager, 'slack_messages');
    switch (notice.kind) {
      case 'ask': {
        const { requestId, approver, summary } = notice;
        const asked = await manager.query(`SELECT 1 FROM ${messages} WHERE request_id = $1 AND stage = $2 AND approver = $3`, [
          requestId,
          summary.stage,
          approver,
        ]);
        if (asked.length > 0) return;
        const message = await this.chat.askForApproval({ approver, summary, requestId });
        if (!message) {
          this.logger.warn({ requestId, approver }, 'approver is not in the chat; they can decide on the web');
          return;
        }
        await manager.query(
          `INSERT INTO ${messages} (request_id, stage, approver, channel, ts) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [requestId, summary.stage, approver, message.channel, message.ts],
        );
        return;
      }
      case 'update': {
        const { requestId, stage, outcome, summary } = notice;
        const posted = (await manager.query(`SELECT channel, ts FROM ${messages} WHERE request_id = $1 AND stage = $2 ORDER BY approver`, [
          requestId,
          stage,
        ])) as { channel: string; ts: string }[];
        // chat.update is idempotent, so a retry after a partial failure rewrites every message again.
        for (const message of posted) await this.chat.updateDecision({ message, summary, requestId, outcome });
        return;
      }
      case 'tell':
        await this.chat.tellRequester(notice.login, notice.text);
        return;
      default: {
        const _exhaustive: never = notice;
        throw new Error(`unknown notice ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  private async retryLater(manager: EntityManager, row: PendingRow, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const reason = error instanceof Error ? error.message : String(error);
    const context = { notificationId: row.id, requestId: row.notice.requestId, kind: row.notice.kind, attempts, err: reason };
    if (attempts >= MAX_ATTEMPTS) {
      this.logger.error(context, 'giving up on a chat notice');
      await manager.query(
        `UPDATE ${tableOf(manager, 'slack_notifications')} SET state = 'failed', attempts = $2, last_error = $3, done_at = now() WHERE id = $1`,
        [row.id, attempts, reason],
      );
      return;
    }
    const backoff = Math.min(this.intervalMs * 2 ** (attempts - 1), MAX_DELAY_MS);
    const delayMs = Math.max(backoff, error instanceof ChatUnavailableError ? error.retryAfterMs : 0);
    this.logger.warn({ ...context, delayMs }, 'chat notice failed; retrying later');
    await manager.query(
      `UPDATE ${tableOf(manager, 'slack_notifications')}
       SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4::double precision / 1000) WHERE id = $1`,
      [row.id, attempts, reason, delayMs],
    );
  }
}

import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PgListener, workChannel } from '@jit/events';
import type { Principal } from '@jit/platform';
import type { RequestStatus } from './request.decider.js';
import type { WaitTarget } from './request-wait.input.js';
import { RequestQueries } from './request-queries.js';
import { REQUEST_CHANGES } from './request.channel.js';
import type { RequestView } from './request.view.js';

/** How a wait ended: the status asked for, a status that can never reach it, or the timeout. */
export type WaitOutcome = 'reached' | 'unreachable' | 'timed_out';

/** A request's view after a wait, and how the wait ended. */
export type WaitedView = RequestView & { wait: { for: WaitTarget; outcome: WaitOutcome } };

/** Re-read even without a notification this often, in case the LISTEN connection was lost meanwhile. */
const RECHECK_MS = 5000;

/** The statuses a request can still move to from each status (revoked is final; a denied, cancelled or failed request has settled). */
const nextStatuses: Record<RequestStatus, readonly RequestStatus[]> = {
  pending: ['approved', 'denied', 'cancelled', 'failed', 'granted', 'revoked'],
  approved: ['cancelled', 'failed', 'granted', 'revoked'],
  granted: ['revoked'],
  denied: [],
  cancelled: [],
  failed: [],
  revoked: [],
};

/** Whether a wait for `target` is over with the request as `view` shows it, and how. */
export function waitOutcome(view: RequestView, target: WaitTarget): Exclude<WaitOutcome, 'timed_out'> | undefined {
  if (target === 'awaiting_approval') {
    // Approval publishes the stages before any decision, so a request past pending without them never had any to wait on.
    if (view.status !== 'pending') return 'unreachable';
    return view.approval?.currentStage != null ? 'reached' : undefined;
  }
  if (view.status === target) return 'reached';
  return nextStatuses[view.status].includes(target) ? undefined : 'unreachable';
}

/**
 * Long polls on a request's status. Waiters hold no database connection: each reads the row in a
 * short query, then sleeps until Postgres announces a committed change of some request (one LISTEN
 * connection for the whole service, outside the pool) or its timeout, and reads again.
 */
@Injectable()
export class RequestWaits implements OnModuleDestroy {
  private readonly listener: PgListener;
  private readonly sleepers = new Set<() => void>();
  /** Counts announcements, so a change between a read and the sleep that follows it is never slept through. */
  private changes = 0;
  private closing = false;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(RequestQueries) private readonly queries: RequestQueries,
  ) {
    this.listener = new PgListener(dataSource, workChannel(dataSource, REQUEST_CHANGES), () => this.wakeAll());
  }

  /** The request's view once it is as `target` asks or can never be, or when `timeoutMs` has passed. */
  async wait(principal: Principal, id: string, target: WaitTarget, timeoutMs: number): Promise<WaitedView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.listener.listen();
      const seen = this.changes;
      const view = await this.queries.get(principal, id);
      const outcome = waitOutcome(view, target);
      if (outcome) return { ...view, wait: { for: target, outcome } };
      const left = deadline - Date.now();
      if (left <= 0 || this.closing) return { ...view, wait: { for: target, outcome: 'timed_out' } };
      await this.sleep(seen, Math.min(left, RECHECK_MS));
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.wakeAll();
    await this.listener.close();
  }

  private sleep(seen: number, ms: number): Promise<void> {
    if (this.changes !== seen || this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private wakeAll(): void {
    this.changes += 1;
    for (const wake of [...this.sleepers]) wake();
  }
}

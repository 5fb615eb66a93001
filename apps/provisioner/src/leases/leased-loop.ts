import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DataSource, EntityManager } from 'typeorm';
import { announce, workChannel, type Clock } from '@jit/events';
import { PeriodicTask } from '@jit/platform';

/** A claim on work: who holds it and until when, measured on the loop's clock like `now`. */
export interface Lease {
  owner: string;
  now: Date;
  until: Date;
}

/** How much a leased loop works on at once and how long its claims last. */
export interface LeaseSettings {
  /** Items worked on side by side; a slow vendor call holds one of these slots, never a connection. */
  concurrency: number;
  /** How long a claim lasts; a replica that dies holding one is taken over once it runs out. */
  leaseMs: number;
}

/**
 * A loop that never holds a transaction or a row lock while it calls a vendor: it claims due items
 * with a lease in one short statement, works on them side by side (vendor calls, then each result
 * committed in its own short transaction), and claims more as slots free up or `intervalMs` passes,
 * so a backlog drains without waiting for the next tick and new work is not stuck behind a slow
 * call. An item whose work fails is handed to `retryLater`; if even that fails, its lease runs out
 * and another round takes it over.
 */
export abstract class LeasedLoop<Item> extends PeriodicTask {
  /** Whose leases these are. */
  protected readonly owner = leaseOwner();

  constructor(
    protected readonly clock: Clock,
    private readonly lease: LeaseSettings,
  ) {
    super();
  }

  /** Wakes the loop whenever a transaction that commits work announces it on `work` (see `announceWork`). */
  protected wakeOnWork(dataSource: DataSource, work: LoopWork): void {
    this.wakeOnAnnouncements(dataSource, workChannel(dataSource, work), this.clock);
  }

  protected override async msUntilNextDue(): Promise<number | undefined> {
    const now = this.clock.now();
    const next = await this.nextDue(now);
    return next && next.getTime() - now.getTime();
  }

  /** When the next item not due now falls due (a retry's time, a lease running out); undefined when none will. */
  protected abstract nextDue(now: Date): Promise<Date | undefined>;

  /** Claims up to `limit` due items under `lease`. */
  protected abstract claim(lease: Lease, limit: number): Promise<Item[]>;

  /** Does one item's work and commits its result; throws when it should be tried again later. */
  protected abstract work(item: Item): Promise<void>;

  /** Records a failed attempt and when to try again, giving the lease back. */
  protected abstract retryLater(item: Item, error: unknown): Promise<void>;

  /** What identifies an item in logs. */
  protected abstract describe(item: Item): Record<string, unknown>;

  /** Works through every item due now and any that fall due meanwhile; returns how many it worked on. */
  async tick(): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    let total = 0;
    let claimed: number;
    do {
      claimed = 0;
      const free = this.lease.concurrency - inFlight.size;
      if (free > 0) {
        const now = this.clock.now();
        const items = await this.claim({ owner: this.owner, now, until: new Date(now.getTime() + this.lease.leaseMs) }, free);
        for (const item of items) {
          const work: Promise<void> = this.attempt(item).finally(() => inFlight.delete(work));
          inFlight.add(work);
        }
        claimed = items.length;
        total += claimed;
      }
      if (inFlight.size > 0) await this.oneSettledOrPause(inFlight);
    } while (this.running && (claimed > 0 || inFlight.size > 0));
    await Promise.all(inFlight);
    return total;
  }

  private async oneSettledOrPause(inFlight: Set<Promise<void>>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const pause = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.intervalMs)));
    try {
      await Promise.race([...inFlight, pause]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(item: Item): Promise<void> {
    try {
      await this.work(item);
    } catch (error) {
      this.logger.warn({ ...this.describe(item), err: error }, 'attempt failed; will retry');
      try {
        await this.retryLater(item, error);
      } catch (failure) {
        this.logger.error({ ...this.describe(item), err: failure }, 'could not schedule the retry; it waits for the lease to run out');
      }
    }
  }
}

/** An error's message, for the events and columns that record why an attempt failed. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The kinds of work the provisioner's loops wait for. */
export type LoopWork = 'granting' | 'revoking' | 'tickets';

/** Tells the loop doing `work` that some is due, once the caller's transaction commits. */
export function announceWork(manager: EntityManager, work: LoopWork): Promise<void> {
  return announce(manager, workChannel(manager, work));
}

/** A name for a lease holder: host, process and loop, so ops can tell replicas apart in the tables. */
export function leaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

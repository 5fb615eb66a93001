import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '@jit/events';
import { PeriodicTask } from '@jit/platform';

/** A claim on work: who holds it and until when, measured on the loop's clock like `now`. */
export interface Lease {
  owner: string;
  now: Date;
  until: Date;
}

/** How much a leased loop claims at once and for how long. */
export interface LeaseSettings {
  /** Items claimed per round and worked on side by side. */
  batchSize: number;
  /** How long a claim lasts; a replica that dies holding one is taken over once it runs out. */
  leaseMs: number;
}

/**
 * A loop that never holds a transaction or a row lock while it calls a vendor: each round claims
 * due items with a lease in one short statement, works on them (vendor calls, then each result
 * committed in its own short transaction), and claims again at once while it finds a full batch,
 * so a backlog drains without waiting for the next tick. An item whose work fails is handed to
 * `retryLater`; if even that fails, its lease runs out and another round takes it over.
 */
export abstract class LeasedLoop<Item> extends PeriodicTask {
  /** Whose leases these are: host, process and loop, so ops can tell replicas apart in the table. */
  protected readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    protected readonly clock: Clock,
    private readonly lease: LeaseSettings,
  ) {
    super();
  }

  /** Claims up to `limit` due items under `lease`. */
  protected abstract claim(lease: Lease, limit: number): Promise<Item[]>;

  /** Does one item's work and commits its result; throws when it should be tried again later. */
  protected abstract work(item: Item): Promise<void>;

  /** Records a failed attempt and when to try again, giving the lease back. */
  protected abstract retryLater(item: Item, error: unknown): Promise<void>;

  /** What identifies an item in logs. */
  protected abstract describe(item: Item): Record<string, unknown>;

  /** Works through every item due now, a batch at a time; returns how many it worked on. */
  async tick(): Promise<number> {
    let total = 0;
    let claimed: Item[];
    do {
      const now = this.clock.now();
      claimed = await this.claim({ owner: this.owner, now, until: new Date(now.getTime() + this.lease.leaseMs) }, this.lease.batchSize);
      await Promise.all(claimed.map((item) => this.attempt(item)));
      total += claimed.length;
    } while (this.running && claimed.length === this.lease.batchSize);
    return total;
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

import type { FaultSpec, Vendor } from './fault-spec.js';

/** An active fault, as `GET /_sim/faults` lists it. */
export interface ActiveFault {
  id: number;
  vendor: Vendor;
  method?: string;
  path: string;
  status?: number;
  latencyMs?: number;
  /** Calls left before the fault clears itself, when it was given a `count`. */
  remaining?: number;
  /** When the fault clears itself, when it was given `seconds`. */
  expiresAt?: string;
  /** How many requests it has answered so far. */
  hits: number;
}

interface StoredFault {
  fault: ActiveFault;
  pattern: RegExp;
  expiresAtMs?: number;
}

/** Turns the fault glob into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** The faults currently injected; a fault lasts for `count` matching calls and/or `seconds`, whichever ends first. */
export class FaultRegistry {
  private readonly faults: StoredFault[] = [];
  private nextId = 1;

  constructor(private readonly now: () => number = Date.now) {}

  /** Registers a fault and returns it as listed. */
  add(spec: FaultSpec): ActiveFault {
    const expiresAtMs = spec.seconds === undefined ? undefined : this.now() + spec.seconds * 1000;
    const fault: ActiveFault = {
      id: this.nextId++,
      vendor: spec.vendor,
      method: spec.method,
      path: spec.path,
      status: spec.status,
      latencyMs: spec.latencyMs,
      remaining: spec.count,
      expiresAt: expiresAtMs === undefined ? undefined : new Date(expiresAtMs).toISOString(),
      hits: 0,
    };
    this.faults.push({ fault, pattern: globToRegExp(spec.path), expiresAtMs });
    return { ...fault };
  }

  /**
   * Finds the oldest fault matching the request and counts the call against it; a fault whose count runs out is
   * removed after answering this call.
   */
  take(vendor: Vendor, method: string, path: string): ActiveFault | undefined {
    this.dropExpired();
    const index = this.faults.findIndex(
      ({ fault, pattern }) => fault.vendor === vendor && (fault.method === undefined || fault.method === method) && pattern.test(path),
    );
    if (index < 0) return undefined;
    const { fault } = this.faults[index];
    fault.hits += 1;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining === 0) this.faults.splice(index, 1);
    }
    return { ...fault };
  }

  /** The faults still active. */
  list(): ActiveFault[] {
    this.dropExpired();
    return this.faults.map(({ fault }) => ({ ...fault }));
  }

  /** Removes every fault. */
  clear(): void {
    this.faults.length = 0;
  }

  private dropExpired(): void {
    const now = this.now();
    for (let i = this.faults.length - 1; i >= 0; i -= 1) {
      const expires = this.faults[i].expiresAtMs;
      if (expires !== undefined && expires <= now) this.faults.splice(i, 1);
    }
  }
}

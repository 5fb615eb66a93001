/** One measured figure, printed beside the limit it is compared with (measured in the same run). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The raw limit this figure is read against, from the same run. */
  limit?: { name: string; value: number; unit: string };
  /** value ÷ limit.value, when both are rates of the same thing. */
  ratio?: number;
  /** What the figure should meet, in words (`ratio >= 0.8`, `p95 < 50 ms`), and whether it did. */
  goal?: string;
  pass?: boolean;
}

/** What the raw-limits benchmark measured: the ceilings the other figures are read against. */
export interface RawLimits {
  /** JetStream publishes acknowledged per second, one at a time. */
  publishAckSerial: number;
  /** JetStream publishes acknowledged per second, 256 in flight. */
  publishAck256: number;
  /** Messages consumed and acknowledged per second by a durable pull consumer. */
  consumeAck: number;
  /** Postgres single-row transactions committed per second. */
  pgCommit: number;
  /** Rows per second inserted into Postgres in 1,000-row statements. */
  pgBatchRows: number;
}

/** What every benchmark is given. */
export interface BenchContext {
  /** Small sizes: the suite still runs end to end (CI), the figures mean little. */
  quick: boolean;
  /** The raw limits measured first in this run. */
  limits: RawLimits;
  log(message: string): void;
}

/** What a benchmark answers: its figures for the table, and anything more for the JSON. */
export interface BenchOutcome {
  figures: Figure[];
  details?: Record<string, unknown>;
}

/** A named benchmark of the suite: one module each. */
export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(Math.ceil(p * sorted.length) - 1, 0)];
}

/** A rate, events per second, from a count and milliseconds. */
export function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

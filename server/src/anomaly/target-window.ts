/**
 * A target's recent rows (up to the training window), kept as columns: one Float64Array of
 * times and, per metric, a Float64Array of values with a Uint8Array saying where the metric
 * had a sample. The window is what models are trained on and what a new model's features
 * and likelihood are warmed with.
 *
 * Why columns: a row as an object (`{ ts, values: { metric: number } }`) costs about 350
 * bytes per row of ten metrics on V8's heap (the object, its values dictionary, a boxed
 * number per value), so 20 targets held ~30 MiB and a 1,000-target fleet would hold
 * well over a gigabyte; as columns a row of ten metrics is 98 bytes, outside the GC's
 * way. The window is a ring: pushing past its length drops the oldest row in O(1),
 * where `Array.shift` moved every row.
 *
 * A target whose model has learned from a full window needs the rows again only to retrain
 * or to warm a model, rarely; the rows are in the metric store all along. `release()` lets
 * them go and keeps a tally (how many rows, the newest times) that pushes go on counting;
 * the anomaly service reads the rows back from the store when it needs them
 * (`AnomalyService.#windowOf`). Reading a released window's rows is a bug, so it throws.
 */
export interface WindowRow {
  ts: number;
  values: Readonly<Record<string, number>>;
}

interface Column {
  values: Float64Array;
  present: Uint8Array;
  /** Rows of the window in which the metric has a sample: at 0 the metric leaves the window. */
  count: number;
}

const INITIAL_CAPACITY = 64;
/** Newest times a released window keeps: the training progress reads the last 50. */
const RECENT_KEPT = 64;

export class TargetWindow {
  #times = new Float64Array(INITIAL_CAPACITY);
  readonly #columns = new Map<string, Column>();
  /** Ring position of the oldest row. */
  #start = 0;
  #length = 0;
  /** Once released: the newest times, oldest first (at most RECENT_KEPT); undefined while the rows are held. */
  #recent: number[] | undefined;

  get length(): number {
    return this.#length;
  }

  /** The rows were let go (`release`): only the count and the newest times are known. */
  get released(): boolean {
    return this.#recent !== undefined;
  }

  /** Time of the oldest row, undefined when empty. */
  get firstTs(): number | undefined {
    this.#held();
    return this.#length > 0 ? this.#times[this.#start]! : undefined;
  }

  /** Time of the newest row, undefined when empty. */
  get lastTs(): number | undefined {
    if (this.#recent) return this.#recent.at(-1);
    return this.#length > 0 ? this.#times[this.#slot(this.#length - 1)]! : undefined;
  }

  /** Lets the rows go, keeping the count and the newest times; pushes go on counting. */
  release(): void {
    if (this.#recent) return;
    this.#recent = this.recentTimes(RECENT_KEPT);
    this.#times = new Float64Array(0);
    this.#columns.clear();
    this.#start = 0;
  }

  /** Appends a row, then drops the oldest rows beyond `maxRows` (the training window, which settings may change). */
  push(row: WindowRow, maxRows: number): void {
    if (maxRows <= 0) return;
    if (this.#recent) {
      this.#length = Math.min(this.#length + 1, maxRows);
      this.#recent.push(row.ts);
      if (this.#recent.length > RECENT_KEPT) this.#recent.shift();
      return;
    }
    while (this.#length >= maxRows) this.#dropOldest();
    if (this.#length === this.#times.length) this.#grow(Math.min(Math.max(this.#times.length * 2, INITIAL_CAPACITY), Math.max(maxRows, this.#length + 1)));
    const slot = this.#slot(this.#length);
    this.#times[slot] = row.ts;
    for (const column of this.#columns.values()) column.present[slot] = 0;
    for (const metric in row.values) {
      let column = this.#columns.get(metric);
      if (!column) this.#columns.set(metric, (column = { values: new Float64Array(this.#times.length), present: new Uint8Array(this.#times.length), count: 0 }));
      column.values[slot] = row.values[metric]!;
      column.present[slot] = 1;
      column.count++;
    }
    this.#length++;
  }

  /** The metrics with a sample somewhere in the window, sorted. */
  metrics(): string[] {
    this.#held();
    return [...this.#columns.keys()].sort();
  }

  /** A metric's samples in the window, oldest first (rows without one are skipped). */
  valuesOf(metric: string): number[] {
    this.#held();
    const column = this.#columns.get(metric);
    if (!column) return [];
    const out: number[] = [];
    for (let i = 0; i < this.#length; i++) {
      const slot = this.#slot(i);
      if (column.present[slot] === 1) out.push(column.values[slot]!);
    }
    return out;
  }

  /** Times of the newest `n` rows, oldest first. */
  recentTimes(n: number): number[] {
    if (this.#recent) return this.#recent.slice(Math.max(0, this.#recent.length - n));
    const from = Math.max(0, this.#length - n);
    const out: number[] = [];
    for (let i = from; i < this.#length; i++) out.push(this.#times[this.#slot(i)]!);
    return out;
  }

  /**
   * Calls `visit` for each row, oldest first. `values` is one record reused from row to row
   * (a metric without a sample in that row is undefined in it): read it within the call only.
   */
  forEach(visit: (ts: number, values: Readonly<Record<string, number | undefined>>, index: number) => void): void {
    this.#held();
    const columns = [...this.#columns.entries()];
    const values: Record<string, number | undefined> = {};
    for (let i = 0; i < this.#length; i++) {
      const slot = this.#slot(i);
      for (const [metric, column] of columns) values[metric] = column.present[slot] === 1 ? column.values[slot]! : undefined;
      visit(this.#times[slot]!, values, i);
    }
  }

  #held(): void {
    if (this.#recent) throw new Error('the window\'s rows were released: read them back from the store first');
  }

  #slot(index: number): number {
    const slot = this.#start + index;
    return slot < this.#times.length ? slot : slot - this.#times.length;
  }

  #dropOldest(): void {
    const slot = this.#start;
    for (const [metric, column] of this.#columns) {
      if (column.present[slot] === 1 && --column.count === 0) this.#columns.delete(metric);
    }
    this.#start = this.#start + 1 === this.#times.length ? 0 : this.#start + 1;
    this.#length--;
  }

  /** Re-lays the ring from position 0 in arrays of `capacity` rows. */
  #grow(capacity: number): void {
    const relay = <T extends Float64Array | Uint8Array>(from: T, to: T): T => {
      for (let i = 0; i < this.#length; i++) to[i] = from[this.#slot(i)]!;
      return to;
    };
    for (const column of this.#columns.values()) {
      column.values = relay(column.values, new Float64Array(capacity));
      column.present = relay(column.present, new Uint8Array(capacity));
    }
    this.#times = relay(this.#times, new Float64Array(capacity));
    this.#start = 0;
  }
}

/**
 * How often a discrete metric (a queue length of 0-3, a replica count) has read a value at
 * least as extreme as this one: the spike member's tail models |z| beyond 3 as a smooth
 * exponential tail from a Gaussian prior, which for a metric of a few values says a 3 in a
 * queue of mostly 0 (4.8σ) is rarer than 1e-5 until weeks of its own history outweigh the
 * prior. A value the metric takes now and then is no spike however many σ it reads; the
 * empirical frequency says so from its first day (docs/anomaly.md, "Shapes").
 *
 * A metric is discrete while nearly all its weight (all but LATTICE_OTHER_SHARE) sits on at
 * most LATTICE_VALUES distinct values; a continuous metric never is, so its spikes are
 * judged by the tail alone, as before.
 */
export const LATTICE_VALUES = 8;
/** Share of weight on values beyond the LATTICE_VALUES kept above which the metric is not discrete. */
const LATTICE_OTHER_SHARE = 1e-3;
/** A kept value lighter than this share of the total gives its place to a new value. */
const LATTICE_EVICT_SHARE = 1e-4;

export class ValueLattice {
  private readonly keep: number;
  private readonly values = new Float64Array(LATTICE_VALUES);
  private readonly weights = new Float64Array(LATTICE_VALUES);
  private used = 0;
  private other = 0;
  private total = 0;

  /** `memory`: samples of memory of the frequencies (exponentially weighted). */
  constructor(memory: number) {
    this.keep = 1 - 1 / memory;
  }

  /**
   * Frequency, in the history so far, of values at least as far as `x` on its side
   * (`above`: x or higher, else x or lower); 0 when the metric is not discrete or has no
   * history. Ask before the value joins the history (learn).
   */
  frequency(x: number, above: boolean): number {
    if (this.total === 0 || this.other > LATTICE_OTHER_SHARE * this.total) return 0;
    let w = 0;
    for (let i = 0; i < this.used; i++) {
      const v = this.values[i]!;
      if (above ? v >= x : v <= x) w += this.weights[i]!;
    }
    return w / this.total;
  }

  /** `x` joins the history. */
  learn(x: number): void {
    const keep = this.keep;
    this.total = this.total * keep + 1;
    this.other *= keep;
    let slot = -1;
    let lightest = -1;
    for (let i = 0; i < this.used; i++) {
      this.weights[i]! *= keep;
      if (this.values[i] === x) slot = i;
      if (lightest < 0 || this.weights[i]! < this.weights[lightest]!) lightest = i;
    }
    if (slot < 0 && this.used < LATTICE_VALUES) slot = this.used++;
    else if (slot < 0 && this.weights[lightest]! < LATTICE_EVICT_SHARE * this.total) {
      // A value not seen for long gives its place (its weight is as good as gone).
      slot = lightest;
      this.weights[slot] = 0;
    }
    if (slot < 0) {
      this.other += 1;
      return;
    }
    if (this.values[slot] !== x) {
      this.values[slot] = x;
      this.weights[slot] = 0;
    }
    this.weights[slot]! += 1;
  }
}

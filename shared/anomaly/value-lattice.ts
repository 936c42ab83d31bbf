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
  /** What a sample adds now (see learn). */
  private step = 1;

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
    return (w > 0 ? w : this.nextStep(x, above)) / this.total;
  }

  /**
   * Beyond every value read on its side: the weight of the most extreme one if `x` is
   * within one lattice step of it (the gap to the value before it), else 0. A queue that
   * read 0, 1 and 2 reads 3 as its next step, as often as it reads its extreme 2: a first
   * day without a 3 is no reason to page on one (docs/anomaly.md, "Shapes", fifth round);
   * 4, two steps out, is a value it never reads. A metric of one value has no step.
   */
  private nextStep(x: number, above: boolean): number {
    let extreme = -1;
    for (let i = 0; i < this.used; i++) {
      if (this.weights[i]! > 0 && (extreme < 0 || (above ? this.values[i]! > this.values[extreme]! : this.values[i]! < this.values[extreme]!))) extreme = i;
    }
    if (extreme < 0) return 0;
    const e = this.values[extreme]!;
    let gap = Infinity;
    for (let i = 0; i < this.used; i++) {
      if (i !== extreme && this.weights[i]! > 0) gap = Math.min(gap, Math.abs(e - this.values[i]!));
    }
    return gap < Infinity && Math.abs(x - e) <= gap ? this.weights[extreme]! : 0;
  }

  /** `x` joins the history. */
  learn(x: number): void {
    // Exponential forgetting without touching every weight: each sample adds `step`, which
    // grows by 1 / keep a sample, so older weights shrink relative to it (only ratios are read).
    this.step /= this.keep;
    if (this.step > 1e150) this.rescale();
    const step = this.step;
    this.total += step;
    let slot = -1;
    for (let i = 0; i < this.used; i++) {
      if (this.values[i] === x) {
        slot = i;
        break;
      }
    }
    if (slot < 0) slot = this.place(x);
    if (slot < 0) this.other += step;
    else this.weights[slot]! += step;
  }

  /** A slot for a value not kept yet: a free one, or the lightest if its weight is as good as gone; -1 if none. */
  private place(x: number): number {
    let slot = -1;
    if (this.used < LATTICE_VALUES) slot = this.used++;
    else {
      let lightest = 0;
      for (let i = 1; i < this.used; i++) if (this.weights[i]! < this.weights[lightest]!) lightest = i;
      if (this.weights[lightest]! < LATTICE_EVICT_SHARE * this.total) slot = lightest;
    }
    if (slot >= 0) {
      this.values[slot] = x;
      this.weights[slot] = 0;
    }
    return slot;
  }

  private rescale(): void {
    const f = 1 / this.step;
    for (let i = 0; i < this.used; i++) this.weights[i]! *= f;
    this.other *= f;
    this.total *= f;
    this.step = 1;
  }
}

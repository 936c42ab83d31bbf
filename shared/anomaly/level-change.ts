import { SpikeBaseline } from './spike.ts';

/**
 * A level change that held: the spike member's baseline (spike.ts) remembers a metric's
 * old level for weeks (864 samples of memory still weigh a first day by about 12 % a week
 * later), so a metric whose watching started during an incident (a first day at 5 times
 * its level) or a new service's two days at 0 before its launch keep an inflated spread,
 * and the old level's return (the same incident a week later, the service stopping) reads
 * a few σ at most: missed (docs/anomaly.md, "Shapes", fifth round).
 *
 * A sample beyond CHANGE_SIGMA of the baseline opens a watch: a second, fresh baseline
 * (and one of the logs) learns from it. If every sample for CHANGE_HOLD samples stays
 * beyond CHANGE_SIGMA of the old level on the same side, the level changed for good and
 * the fresh baselines, which saw only the new level, take over (the member's tails then
 * restart from their prior: they had learnt the change's own excursions). A sample back
 * within the old level closes the watch: a spike, an incident of hours, a noisy series'
 * excursion change nothing. The same rule for every metric, from its own samples only (no
 * model): a server that replays its window (a refit, a restart) reaches the same state.
 */
export const CHANGE_SIGMA = 3;
/** Samples the new level must hold (a day at 5 minutes, as the other memories per sample). */
export const CHANGE_HOLD = 288;

export interface HeldChange {
  /** Baseline of the values since the change. */
  linear: SpikeBaseline;
  /** Baseline of the logs of the positive values since the change. */
  log: SpikeBaseline;
}

export class LevelChange {
  private open = false;
  private centre = 0;
  private spread = 0;
  private side = 0;
  private held = 0;
  private linear: SpikeBaseline | undefined;
  private log: SpikeBaseline | undefined;

  /**
   * Each sample of the metric with its z-score against the member's baseline and that
   * baseline's centre and spread before the sample joined (SpikeBaseline.last*); returns the
   * baselines of the new level when a change has held, else undefined.
   */
  observe(x: number, z: number, centre: number, spread: number, limit: number): HeldChange | undefined {
    if (this.open) {
      if (this.side * (x - this.centre) > CHANGE_SIGMA * this.spread) {
        this.learn(x, limit);
        if (++this.held < CHANGE_HOLD) return undefined;
        this.open = false;
        return { linear: this.linear!, log: this.log! };
      }
      this.open = false;
    }
    if (Math.abs(z) > CHANGE_SIGMA) {
      this.open = true;
      this.centre = centre;
      this.spread = spread;
      this.side = Math.sign(z);
      this.held = 1;
      this.linear = new SpikeBaseline();
      this.log = new SpikeBaseline();
      this.learn(x, limit);
    }
    return undefined;
  }

  private learn(x: number, limit: number): void {
    this.linear!.update(x, limit);
    if (x > 0) this.log!.update(Math.log(x), limit);
  }
}

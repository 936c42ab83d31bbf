/**
 * One incident, one page, across causes (docs/anomaly.md, "Shapes", fourth round). Each
 * cause has its own refractory period (postprocess.ts), so one change could page once per
 * cause within minutes: a slow leak's climb paged as the forest's likelihood rose (`2.8σ
 * above its 24 h mean`) and again as the value left its range (`323, above anything in its
 * training window`) or the likelihood took its next step. This remembers each metric's last
 * page and the side of its usual level the metric was on, and calls a page on the same side
 * within the likelihood's short window (the rows its mean averages) of the last one the same
 * incident, whatever either cause: those rows are the ones that just paged.
 *
 * Measured, not kept: also calling a breakout within the whole refractory period after the
 * forest's page the same incident (the leak 11 false alarms to 8 in 8 runs, but NAB seed 4
 * 73.57 to 72.11: on NAB that breakout is often another incident).
 */
export class IncidentMemory {
  private readonly seconds: number;
  private readonly shortWindow: number;
  /** Per metric, the decided row and side of its last page. */
  private readonly pages = new Map<string, { row: number; side: number }>();
  private rows = 0;

  /** `seconds`: the refractory period (0 turns this off, as it does the periods); `shortWindow`: the likelihood's, in rows. */
  constructor(seconds: number, shortWindow: number) {
    this.seconds = seconds;
    this.shortWindow = shortWindow;
  }

  /**
   * A page of `metric` (`side`: the sign of its departure from its usual level) at the row
   * being decided: true when it is the incident that last paged for the metric (report it as
   * 0); otherwise it is remembered as the metric's last page.
   */
  samePage(metric: string, side: number): boolean {
    if (this.seconds <= 0) return false;
    const last = this.pages.get(metric);
    if (last && side !== 0 && last.side === side && this.rows - last.row < this.shortWindow) return true;
    this.pages.set(metric, { row: this.rows, side });
    return false;
  }

  /** One row decided. */
  next(): void {
    this.rows++;
  }
}

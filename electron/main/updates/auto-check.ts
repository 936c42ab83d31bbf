/** How often a running app looks again; releases are rare and the check is one small GET. */
export const AUTO_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

export interface AutoCheckOptions {
  check: () => Promise<unknown>;
  intervalMs?: number;
}

/**
 * "Check automatically": one check when switched on (so at start-up), then one per
 * interval. Only checks; the controller never downloads or installs without being asked.
 */
export class AutoCheck {
  private readonly options: AutoCheckOptions;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: AutoCheckOptions) {
    this.options = options;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  setEnabled(enabled: boolean): void {
    if (enabled === this.running) return;
    if (!enabled) {
      clearInterval(this.timer!);
      this.timer = null;
      return;
    }
    const tick = () => void this.options.check().catch(() => undefined);
    this.timer = setInterval(tick, this.options.intervalMs ?? AUTO_CHECK_INTERVAL_MS);
    // Never keeps the process alive by itself.
    this.timer.unref();
    tick();
  }
}

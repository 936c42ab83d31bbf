import fs from 'node:fs';
import path from 'node:path';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Rectangle {
  maximized: boolean;
}

export const MIN_WIDTH = 960;
export const MIN_HEIGHT = 600;
/** A window is reachable when this much of its title bar (the top strip) is on a display. */
const MIN_VISIBLE = { width: 120, height: 40 };

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function parseState(raw: unknown): WindowState | null {
  const value = raw as Partial<WindowState> | null;
  if (!value || typeof value !== 'object') return null;
  const { x, y, width, height, maximized } = value;
  if (![x, y, width, height].every(isFiniteNumber) || typeof maximized !== 'boolean') return null;
  return { x: x as number, y: y as number, width: width as number, height: height as number, maximized };
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function centred(area: Rectangle, width: number, height: number): Rectangle {
  const w = Math.min(width, area.width);
  const h = Math.min(height, area.height);
  return { x: Math.round(area.x + (area.width - w) / 2), y: Math.round(area.y + (area.height - h) / 2), width: w, height: h };
}

/**
 * Fits saved bounds to the displays present now: a window whose title bar is no longer
 * on any display (monitor unplugged, resolution changed) is centred on the primary one,
 * and a window larger than its display shrinks to it.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rectangle[], fallbackSize: { width: number; height: number }): WindowState {
  const primary = workAreas[0];
  if (!primary) return state;
  const titleBar: Rectangle = { x: state.x, y: state.y, width: state.width, height: MIN_VISIBLE.height };
  const home = workAreas.find((area) => {
    const visible = overlap(titleBar, area);
    return visible.width >= Math.min(MIN_VISIBLE.width, state.width) && visible.height > 0;
  });
  if (!home) return { ...centred(primary, fallbackSize.width, fallbackSize.height), maximized: state.maximized };
  const width = Math.min(state.width, home.width);
  const height = Math.min(state.height, home.height);
  return {
    x: Math.min(Math.max(state.x, home.x), home.x + home.width - width),
    y: Math.min(Math.max(state.y, home.y), home.y + home.height - height),
    width,
    height,
    maximized: state.maximized,
  };
}

/** Remembers window bounds in a JSON file in the user data folder. */
export class WindowStateFile {
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  /** The saved state fitted to the displays, or a centred default on the primary display. */
  load(workAreas: readonly Rectangle[], defaults: { width: number; height: number }): WindowState {
    let saved: WindowState | null;
    try {
      saved = parseState(JSON.parse(fs.readFileSync(this.file, 'utf8')));
    } catch {
      saved = null;
    }
    const primary = workAreas[0] ?? { x: 0, y: 0, width: defaults.width, height: defaults.height };
    const state = saved ?? { ...centred(primary, defaults.width, defaults.height), maximized: false };
    return fitToDisplays(
      { ...state, width: Math.max(state.width, MIN_WIDTH), height: Math.max(state.height, MIN_HEIGHT) },
      workAreas,
      defaults,
    );
  }

  /** Written atomically, so a crash mid-write never leaves a half file. */
  save(state: WindowState): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(state));
    fs.renameSync(temporary, this.file);
  }
}

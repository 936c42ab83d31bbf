import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitToDisplays, WindowStateFile } from './window-state.ts';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-window-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
const external = { x: 1920, y: 0, width: 2560, height: 1440 };
const defaults = { width: 1280, height: 800 };

describe('window state', () => {
  it('round-trips through its file', () => {
    const store = new WindowStateFile(path.join(folder, 'a', 'window-state.json'));
    store.save({ x: 2000, y: 100, width: 1600, height: 900, maximized: true });
    expect(store.load([laptop, external], defaults)).toEqual({ x: 2000, y: 100, width: 1600, height: 900, maximized: true });
  });

  it('centres a default window on the primary display when nothing or garbage is saved', () => {
    const file = path.join(folder, 'garbage.json');
    fs.writeFileSync(file, '{"x": "left"');
    expect(new WindowStateFile(file).load([laptop], defaults)).toEqual({ x: 320, y: 140, width: 1280, height: 800, maximized: false });
    expect(new WindowStateFile(path.join(folder, 'missing.json')).load([laptop], defaults)).toMatchObject({ x: 320, y: 140 });
  });

  it('brings back a window left on a display that is gone', () => {
    const onExternal = { x: 2500, y: 200, width: 1600, height: 900, maximized: false };
    expect(fitToDisplays(onExternal, [laptop], defaults)).toEqual({ x: 320, y: 140, width: 1280, height: 800, maximized: false });
  });

  it('pulls a half-visible window onto its display and shrinks an oversized one', () => {
    expect(fitToDisplays({ x: 1700, y: -20, width: 1000, height: 700, maximized: false }, [laptop], defaults)).toEqual({ x: 920, y: 0, width: 1000, height: 700, maximized: false });
    expect(fitToDisplays({ x: 10, y: 10, width: 4000, height: 3000, maximized: false }, [laptop], defaults)).toEqual({ x: 0, y: 0, width: 1920, height: 1080, maximized: false });
  });

  it('enforces the minimum size', () => {
    const store = new WindowStateFile(path.join(folder, 'tiny.json'));
    store.save({ x: 10, y: 10, width: 100, height: 50, maximized: false });
    expect(store.load([laptop], defaults)).toMatchObject({ width: 960, height: 600 });
  });
});

import { describe, expect, it } from 'vitest';
import { withinWindow } from './within-window.ts';

describe('withinWindow', () => {
  it('holds within the window, not after it, and not when the clock went back', () => {
    expect(withinWindow(1_000, 1_000, 500)).toBe(true);
    expect(withinWindow(1_499, 1_000, 500)).toBe(true);
    expect(withinWindow(1_500, 1_000, 500)).toBe(false);
    expect(withinWindow(1_000 - 3_600_000, 1_000, 500)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { IncidentMemory } from './incident-memory.ts';

describe('IncidentMemory', () => {
  it('a page on the same side within the short window is the same incident, whatever the causes', () => {
    const pages = new IncidentMemory(86_400, 10);
    expect(pages.samePage('cpu', 1)).toBe(false);
    for (let i = 0; i < 9; i++) pages.next();
    expect(pages.samePage('cpu', 1)).toBe(true);
    // The other side, or another metric, is another incident.
    expect(pages.samePage('disk', 1)).toBe(false);
    expect(pages.samePage('cpu', -1)).toBe(false);
  });

  it('past the short window the metric pages again (each cause\'s own refractory period decides)', () => {
    const pages = new IncidentMemory(86_400, 10);
    expect(pages.samePage('heap', 1)).toBe(false);
    for (let i = 0; i < 10; i++) pages.next();
    expect(pages.samePage('heap', 1)).toBe(false);
  });

  it('is off with the refractory period', () => {
    const pages = new IncidentMemory(0, 10);
    expect([pages.samePage('cpu', 1), pages.samePage('cpu', 1)]).toEqual([false, false]);
  });
});

import { describe, expect, it } from 'vitest';
import { familyOf, familySpread, type FamilyScore } from './families.ts';

const family = (name: string, windows: number, normalisedScore: number, rawScore: number): FamilyScore => ({ family: name, files: 1, windows, rawScore, normalisedScore });

describe('per-family figures', () => {
  it('names the family by the first folder of the corpus key', () => {
    expect(familyOf('realTraffic/speed_6005.csv')).toBe('realTraffic');
    expect(familyOf('speed_6005.csv')).toBe('.');
  });

  it('spreads each family over the runs: the normalised score, or the false-positive cost of a family without windows', () => {
    const spread = familySpread([
      [family('realTraffic', 14, 80, -3), family('artificialNoAnomaly', 0, NaN, 0)],
      [family('realTraffic', 14, 70, -5), family('artificialNoAnomaly', 0, NaN, -0.5)],
      [family('realTraffic', 14, 90, -1), family('artificialNoAnomaly', 0, NaN, -0.25)],
    ]);
    expect(spread).toEqual([
      { family: 'realTraffic', windows: 14, mean: 80, min: 70, max: 90 },
      { family: 'artificialNoAnomaly', windows: 0, mean: -0.25, min: -0.5, max: 0 },
    ]);
  });
});

import { PROFILES, type ProfileResult } from './nab-scorer.ts';

export interface FamilyScore {
  family: string;
  files: number;
  windows: number;
  /** Sum of the files' raw NAB scores at the corpus-wide threshold. */
  rawScore: number;
  /** 100 (S - S_null) / (S_perfect - S_null) over the family's files; NaN for a family without windows. */
  normalisedScore: number;
}

/** The family of a corpus key, "realTraffic/speed_6005.csv" -> "realTraffic". */
export function familyOf(key: string): string {
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(0, slash) : '.';
}

/**
 * Per-family figures at the one corpus-wide threshold (no threshold per family), normalised
 * as NAB normalises a corpus: the null detector misses every scorable window, the perfect
 * one finds every labelled window at its start. A family with no window (artificialNoAnomaly)
 * has no normalised score; its raw score is the false-positive cost it incurred (0 is best).
 */
export function familyScores(result: ProfileResult): FamilyScore[] {
  const { fnWeight, tpWeight } = PROFILES.find((p) => p.name === result.profile)!;
  const families = new Map<string, { files: number; raw: number; scorable: number; labelled: number }>();
  for (const file of result.perFile) {
    const family = familyOf(file.name);
    const f = families.get(family) ?? { files: 0, raw: 0, scorable: 0, labelled: 0 };
    f.files++;
    f.raw += file.rawScore;
    f.scorable += file.scorableWindows;
    f.labelled += file.labelledWindows;
    families.set(family, f);
  }
  return [...families].map(([family, f]) => {
    const nul = -fnWeight * f.scorable;
    const perfect = tpWeight * f.labelled;
    return { family, files: f.files, windows: f.labelled, rawScore: f.raw, normalisedScore: perfect === nul ? NaN : (100 * (f.raw - nul)) / (perfect - nul) };
  });
}

export interface FamilySpread {
  family: string;
  windows: number;
  mean: number;
  min: number;
  max: number;
}

/**
 * Mean, min and max of each family's figure over several runs (forest seeds): the normalised
 * score, or for a family without windows its false-positive cost.
 */
export function familySpread(runs: FamilyScore[][]): FamilySpread[] {
  const first = runs[0] ?? [];
  return first.map(({ family, windows }) => {
    const xs = runs.map((run) => {
      const f = run.find((r) => r.family === family)!;
      return windows > 0 ? f.normalisedScore : f.rawScore;
    });
    return { family, windows, mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) };
  });
}

/**
 * NAB's scoring (github.com/numenta/NAB, nab/sweeper.py and nab/optimizer.py), reimplemented
 * faithfully: window-based scaled-sigmoid rewards, probationary period, false positives
 * weighted by their distance after the preceding window, and one threshold tuned per
 * profile over the whole corpus by an exhaustive sweep of every score in it.
 */
export interface Profile {
  name: string;
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export const PROFILES: Profile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
];

/** Inclusive row indices of a labelled window. */
export interface WindowIndices {
  start: number;
  end: number;
}

/** One scored row: its anomaly score, the window it lies in (-1 outside, null in probation), its sweep value. */
interface SweepRow {
  score: number;
  window: number | null;
  /** Unweighted scaled-sigmoid value, before the profile's weights. */
  sigmoid: number;
}

export interface ScoredFile {
  name: string;
  scores: ArrayLike<number>;
  windows: WindowIndices[];
}

export function probationaryLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

export function scaledSigmoid(position: number): number {
  if (position >= 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/** sweeper.calcSweepScore, with windows numbered from `firstWindowId` so files can be pooled. */
function sweepRows(file: ScoredFile, firstWindowId: number): SweepRow[] {
  const n = file.scores.length;
  const probation = probationaryLength(n);
  const rows: SweepRow[] = [];
  const windows = [...file.windows].sort((a, b) => a.start - b.start);
  let w = 0;
  let current: WindowIndices | undefined;
  let currentId = -1;
  let previous: WindowIndices | undefined;
  for (let i = 0; i < n; i++) {
    if (!current && w < windows.length && i === windows[w]!.start) {
      current = windows[w]!;
      currentId = firstWindowId + w;
      w++;
    }
    let sigmoid: number;
    if (current) {
      const width = current.end - current.start + 1;
      sigmoid = scaledSigmoid(-(current.end - i + 1) / width) / MAX_TP;
    } else if (previous) {
      const width = previous.end - previous.start + 1;
      sigmoid = scaledSigmoid(Math.abs(previous.end - i) / (width - 1));
    } else {
      sigmoid = -1;
    }
    rows.push({ score: file.scores[i]!, window: i < probation ? null : current ? currentId : -1, sigmoid });
    if (current && i === current.end) {
      previous = current;
      current = undefined;
    }
  }
  return rows;
}

export interface ThresholdResult {
  threshold: number;
  score: number;
}

/** sweeper.calcScoreByThreshold + the optimiser: the best threshold over all pooled rows. */
function bestThreshold(rows: SweepRow[], windowCount: Set<number>, profile: Profile): ThresholdResult {
  const sorted = rows.filter((r) => r.window !== null).sort((a, b) => b.score - a.score);
  const windowScore = new Map<number, number>();
  for (const id of windowCount) windowScore.set(id, -profile.fnWeight);
  let total = -profile.fnWeight * windowCount.size;
  let best: ThresholdResult = { threshold: 1.1, score: total };
  for (let i = 0; i < sorted.length; ) {
    const threshold = sorted[i]!.score;
    // Every row at this score is detected together (detections are score >= threshold).
    for (; i < sorted.length && sorted[i]!.score === threshold; i++) {
      const row = sorted[i]!;
      if (row.window === -1) {
        total += row.sigmoid * profile.fpWeight;
      } else {
        const reward = row.sigmoid * profile.tpWeight;
        const before = windowScore.get(row.window!)!;
        if (reward > before) {
          windowScore.set(row.window!, reward);
          total += reward - before;
        }
      }
    }
    if (total > best.score) best = { threshold, score: total };
  }
  return best;
}

/** Score of rows at a fixed threshold (detections are score >= threshold). */
function scoreAt(rows: SweepRow[], windowIds: Iterable<number>, profile: Profile, threshold: number): number {
  const windowScore = new Map<number, number>();
  for (const id of windowIds) windowScore.set(id, -profile.fnWeight);
  let fp = 0;
  for (const row of rows) {
    if (row.window === null || !(row.score >= threshold)) continue;
    if (row.window === -1) fp += row.sigmoid * profile.fpWeight;
    else windowScore.set(row.window, Math.max(windowScore.get(row.window)!, row.sigmoid * profile.tpWeight));
  }
  let total = fp;
  for (const s of windowScore.values()) total += s;
  return total;
}

export interface ProfileResult {
  profile: string;
  threshold: number;
  /** 100 (S - S_null) / (S_perfect - S_null), as nab/runner.py normalises. */
  normalisedScore: number;
  rawScore: number;
  perFile: { name: string; rawScore: number; normalisedScore: number; scorableWindows: number; labelledWindows: number }[];
}

/**
 * Scores a corpus per profile. As in nab/runner.py, S_perfect is tpWeight times every
 * labelled window (also those inside a probationary period) and S_null is the score of
 * NAB's null detector (a constant 0.5) at its own tuned threshold.
 */
export function scoreCorpus(files: ScoredFile[]): ProfileResult[] {
  const pooled: SweepRow[] = [];
  const perFileRows: { rows: SweepRow[]; ids: number[] }[] = [];
  let nextId = 0;
  for (const file of files) {
    const rows = sweepRows(file, nextId);
    const ids = [...new Set(rows.filter((r) => r.window !== null && r.window >= 0).map((r) => r.window!))];
    nextId += file.windows.length;
    pooled.push(...rows);
    perFileRows.push({ rows, ids });
  }
  const allIds = new Set(perFileRows.flatMap((f) => f.ids));
  const labelled = files.reduce((n, f) => n + f.windows.length, 0);
  const nullRows = pooled.map((r) => ({ ...r, score: 0.5 }));
  const normalise = (raw: number, nul: number, perfect: number) => (perfect === nul ? 0 : (100 * (raw - nul)) / (perfect - nul));
  return PROFILES.map((profile) => {
    const best = bestThreshold(pooled, allIds, profile);
    const nullScore = bestThreshold(nullRows, allIds, profile).score;
    const perFile = files.map((file, i) => {
      const { rows, ids } = perFileRows[i]!;
      const raw = scoreAt(rows, ids, profile, best.threshold);
      return {
        name: file.name,
        rawScore: raw,
        normalisedScore: normalise(raw, -profile.fnWeight * ids.length, profile.tpWeight * file.windows.length),
        scorableWindows: ids.length,
        labelledWindows: file.windows.length,
      };
    });
    return {
      profile: profile.name,
      threshold: best.threshold,
      rawScore: best.score,
      normalisedScore: normalise(best.score, nullScore, profile.tpWeight * labelled),
      perFile,
    };
  });
}

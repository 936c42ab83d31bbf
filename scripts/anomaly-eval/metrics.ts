import type { WindowIndices } from './nab-scorer.ts';

/** Point ROC-AUC (Mann-Whitney U with tied ranks averaged). NaN when one class is empty. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface WindowCounts {
  windows: number;
  detectedWindows: number;
  /** Alarm events: runs of consecutive alarming rows. */
  alarms: number;
  alarmsInWindows: number;
}

/**
 * Window recall = windows with at least one alarm / windows; precision = alarm events that
 * start inside a window / alarm events. An event (a run of alarming rows) is what pages
 * someone, so it is counted once however long it lasts.
 */
export function windowCounts(alarm: ArrayLike<boolean>, windows: WindowIndices[], from: number): WindowCounts {
  const inWindow = (i: number) => windows.some((w) => i >= w.start && i <= w.end);
  let alarms = 0;
  let alarmsInWindows = 0;
  for (let i = from; i < alarm.length; i++) {
    if (alarm[i] && (i === from || !alarm[i - 1])) {
      alarms++;
      if (inWindow(i)) alarmsInWindows++;
    }
  }
  const scored = windows.filter((w) => w.end >= from);
  const detectedWindows = scored.filter((w) => {
    for (let i = Math.max(w.start, from); i <= w.end; i++) if (alarm[i]) return true;
    return false;
  }).length;
  return { windows: scored.length, detectedWindows, alarms, alarmsInWindows };
}

export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : NaN;
}

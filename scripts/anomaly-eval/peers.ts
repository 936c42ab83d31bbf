import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { NabSeries } from './nab-files.ts';
import type { ScoredFile, WindowIndices } from './nab-scorer.ts';

/** The published NAB detectors whose results sit in the peers folder (NAB's folder names). */
export const PEER_DETECTORS = [
  { id: 'numenta', label: 'HTM' },
  { id: 'contextOSE', label: 'CAD OSE' },
  { id: 'knncad', label: 'KNN CAD' },
  { id: 'randomCutForest', label: 'RCF' },
] as const;

export interface PeerResults {
  id: string;
  label: string;
  files: ScoredFile[];
  /** Files of the corpus the peer has no results for (scored as never firing). */
  missing: string[];
}

/**
 * Reads `<peers>/<detector>/<family>/<detector>_<file>.csv` (timestamp,anomaly_score) for
 * every series of the corpus. Rows are matched by timestamp, so a peer file that skips or
 * reorders rows still lines up; a row the peer did not score counts as 0.
 */
export function readPeers(peersFolder: string, corpus: { series: NabSeries; windows: WindowIndices[] }[]): PeerResults[] {
  const out: PeerResults[] = [];
  for (const { id, label } of PEER_DETECTORS) {
    if (!existsSync(join(peersFolder, id))) continue;
    const missing: string[] = [];
    const files = corpus.map(({ series, windows }) => {
      const path = join(peersFolder, id, dirname(series.key), `${id}_${basename(series.key)}`);
      const scores = new Float64Array(series.times.length);
      if (!existsSync(path)) missing.push(series.key);
      else {
        const byTime = new Map<string, number>();
        for (const line of readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1)) {
          const [ts, score] = line.split(',');
          if (ts !== undefined && score !== undefined) byTime.set(ts.trim(), Number(score));
        }
        series.timestamps.forEach((ts, i) => {
          scores[i] = byTime.get(ts.trim()) ?? 0;
        });
      }
      return { name: series.key, scores, windows };
    });
    out.push({ id, label, files, missing });
  }
  return out;
}

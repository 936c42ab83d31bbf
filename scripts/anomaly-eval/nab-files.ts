import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, basename, sep } from 'node:path';
import type { WindowIndices } from './nab-scorer.ts';

export interface NabSeries {
  /** Key in the labels file, e.g. "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv". */
  key: string;
  path: string;
  timestamps: string[];
  times: number[];
  values: number[];
}

/** NAB timestamps ("2014-02-14 14:30:00[.000000]") carry no zone; they are read as UTC. */
export function parseNabTime(text: string): number {
  const ms = Date.parse(`${text.trim().replace(' ', 'T').replace(/\.\d+$/, '')}Z`);
  if (Number.isNaN(ms)) throw new Error(`bad NAB timestamp: ${text}`);
  return ms;
}

export function findCsvFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.csv'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export function readSeries(dataFolder: string, path: string, labelKeys: Set<string>): NabSeries {
  const rel = relative(dataFolder, path).split(sep).join('/');
  const withFamily = `${basename(dataFolder)}/${rel}`;
  const key = labelKeys.has(rel) ? rel : labelKeys.has(withFamily) ? withFamily : rel;
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const timestamps: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  for (const line of lines.slice(1)) {
    const [ts, value] = line.split(',');
    if (ts === undefined || value === undefined) continue;
    timestamps.push(ts);
    times.push(parseNabTime(ts));
    values.push(Number(value));
  }
  return { key, path, timestamps, times, values };
}

/** Windows as row indices: the first row at or after the start to the last row at or before the end. */
export function windowIndices(times: number[], windows: [string, string][]): WindowIndices[] {
  const out: WindowIndices[] = [];
  for (const [from, to] of windows) {
    const start = times.findIndex((t) => t >= parseNabTime(from));
    const endMs = parseNabTime(to);
    let end = -1;
    for (let i = times.length - 1; i >= 0; i--) {
      if (times[i]! <= endMs) {
        end = i;
        break;
      }
    }
    if (start >= 0 && end >= start) out.push({ start, end });
  }
  return out;
}

export function readWindows(path: string): Record<string, [string, string][]> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, [string, string][]>;
}

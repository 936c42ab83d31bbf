import { distance } from 'fastest-levenshtein';
import { compactKey } from './tokens.ts';

export interface FuzzyHit<T> {
  item: T;
  /** 1 for an exact key match, lower with each edit. */
  score: number;
}

/** Edits allowed for a word of this length: none for short words, where one edit is another word. */
export function maxEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 6) return 1;
  return 2;
}

/**
 * Names matched by their compact key (`web1` = `web-1`), then by edit distance within
 * `maxEdits`. Keys are bucketed by length so a lookup only measures keys that could be
 * close enough: with thousands of names a miss costs a few hundred comparisons, not all.
 */
export class FuzzyIndex<T> {
  readonly #exact = new Map<string, T[]>();
  readonly #byLength = new Map<number, { key: string; digits: string; items: T[] }[]>();

  constructor(entries: Iterable<readonly [string, T]>) {
    for (const [name, item] of entries) {
      const key = compactKey(name);
      if (key === '') continue;
      const list = this.#exact.get(key);
      if (list) {
        if (!list.includes(item)) list.push(item);
        continue;
      }
      const items = [item];
      this.#exact.set(key, items);
      const bucket = this.#byLength.get(key.length) ?? [];
      bucket.push({ key, digits: key.replace(/\D/g, ''), items });
      this.#byLength.set(key.length, bucket);
    }
  }

  /** The best matches (ties kept, so the caller can see an ambiguity), best first. */
  lookup(word: string): FuzzyHit<T>[] {
    const key = compactKey(word);
    if (key === '') return [];
    const exact = this.#exact.get(key);
    if (exact) return exact.map((item) => ({ item, score: 1 }));
    const edits = maxEdits(key.length);
    if (edits === 0) return [];
    // Numbers are names, not typos: web-9 is not a misspelt web-1, nor node_load5 of node_load1.
    const digits = key.replace(/\D/g, '');
    let best = edits + 1;
    let hits: T[] = [];
    const swaps: T[] = [];
    for (let length = key.length - edits; length <= key.length + edits; length++) {
      for (const entry of this.#byLength.get(length) ?? []) {
        if (entry.digits !== digits) continue;
        const d = distance(key, entry.key);
        if (d < best) {
          best = d;
          hits = [...entry.items];
        } else if (d === best) {
          hits.push(...entry.items);
        }
      }
    }
    // One swap of neighbouring letters ("wbe1", "memroy") is one slip of the fingers, not two.
    if (best > 1) {
      for (const entry of this.#byLength.get(key.length) ?? []) if (entry.digits === digits && isOneSwap(key, entry.key)) swaps.push(...entry.items);
      if (swaps.length > 0) {
        best = 1;
        hits = swaps;
      }
    }
    if (best > edits) return [];
    const score = 1 - best / Math.max(key.length, 4) / 2;
    return hits.map((item) => ({ item, score }));
  }

  has(word: string): boolean {
    return this.#exact.has(compactKey(word));
  }
}

/** Whether two words of one length differ by one swap of neighbouring letters. */
function isOneSwap(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (i >= a.length - 1) return false;
  if (a[i] !== b[i + 1] || a[i + 1] !== b[i]) return false;
  return a.slice(i + 2) === b.slice(i + 2);
}

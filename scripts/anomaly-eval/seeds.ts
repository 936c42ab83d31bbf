/** "0-4" -> [0, 1, 2, 3, 4]; "1,3,7" -> [1, 3, 7]; ranges and lists mix ("0-2,9"). */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new Error(`--seeds: "${part}" is not a seed or a range like 0-4`);
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    if (to < from) throw new Error(`--seeds: range "${part}" runs backwards`);
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  return seeds;
}

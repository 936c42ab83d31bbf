import { averagePathLength, depthLimit } from './path-length.ts';
import type { Matrix } from './matrix.ts';
import { createRandom, type Random } from './prng.ts';

/**
 * Isolation Forest (Liu, Ting and Zhou 2008) in flat typed arrays.
 *
 * Every tree is stored as a complete binary tree of the depth limit in heap order (node n
 * has children 2n+1 and 2n+2). A leaf reached before the depth limit becomes a pass-through
 * chain (threshold +Infinity, so the walk always goes left) ending in a bottom slot that
 * holds the leaf's path length. Scoring is then a fixed number of branch-free steps per
 * tree with no child pointers to chase, and a 100-tree, psi=256 model is about 230 KB.
 */
export interface Forest {
  nFeatures: number;
  nTrees: number;
  sampleSize: number;
  /** Depth limit; each tree has 2^depth - 1 split slots and 2^depth leaf slots. */
  depth: number;
  splitFeature: Uint8Array;
  splitValue: Float32Array;
  /** Path length of each bottom slot (depth + c(leaf size)), in units of 1 / LEAF_SCALE. */
  leafPath: Uint16Array;
}

export interface ForestOptions {
  trees?: number;
  /** psi, rows drawn without replacement for each tree. */
  sampleSize?: number;
  seed?: number;
}

export const LEAF_SCALE = 2048;
export const MAX_FEATURES = 255;
export const MAX_SAMPLE_SIZE = 4096;
export const DEFAULT_FOREST_OPTIONS = { trees: 100, sampleSize: 256, seed: 1 } as const;

export function fitForest(x: Matrix, options: ForestOptions = {}): Forest {
  const nTrees = options.trees ?? DEFAULT_FOREST_OPTIONS.trees;
  const seed = options.seed ?? DEFAULT_FOREST_OPTIONS.seed;
  if (x.rows < 2) throw new RangeError('an isolation forest needs at least 2 training rows');
  if (x.cols < 1 || x.cols > MAX_FEATURES) throw new RangeError(`feature count must be 1..${MAX_FEATURES}`);
  if (nTrees < 1 || nTrees > 10_000) throw new RangeError('tree count must be 1..10000');
  const sampleSize = Math.min(options.sampleSize ?? DEFAULT_FOREST_OPTIONS.sampleSize, x.rows, MAX_SAMPLE_SIZE);
  const depth = depthLimit(sampleSize);
  const nSplits = (1 << depth) - 1;
  const nLeaves = 1 << depth;
  const forest: Forest = {
    nFeatures: x.cols,
    nTrees,
    sampleSize,
    depth,
    splitFeature: new Uint8Array(nTrees * nSplits),
    splitValue: new Float32Array(nTrees * nSplits),
    leafPath: new Uint16Array(nTrees * nLeaves),
  };
  const random = createRandom(seed);
  const candidates = nonConstantFeatures(x);
  const rowPool = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) rowPool[i] = i;
  const sample = new Int32Array(sampleSize);
  const builder = new TreeBuilder(x, forest, candidates, random);
  for (let t = 0; t < nTrees; t++) {
    drawSample(rowPool, sample, random);
    builder.build(t, sample);
  }
  return forest;
}

/** Mean path length over the trees for each row, normalised: 2^(-E[h] / c(psi)). */
export function scoreForest(forest: Forest, x: Matrix, out = new Float64Array(x.rows)): Float64Array {
  if (x.cols !== forest.nFeatures) throw new RangeError(`expected ${forest.nFeatures} features, got ${x.cols}`);
  const { nTrees, depth, splitFeature, splitValue, leafPath } = forest;
  const cols = x.cols;
  const data = x.data;
  const nSplits = (1 << depth) - 1;
  const nLeaves = nSplits + 1;
  const norm = -1 / (LEAF_SCALE * nTrees * averagePathLength(forest.sampleSize));
  // Trees in the outer loop over a block of rows: one tree (2 KB) stays in L1 while the
  // block's rows walk it.
  const block = 256;
  const sums = new Float64Array(block);
  for (let start = 0; start < x.rows; start += block) {
    const end = Math.min(start + block, x.rows);
    sums.fill(0);
    for (let t = 0; t < nTrees; t++) {
      const splitBase = t * nSplits;
      const leafBase = t * nLeaves - nSplits;
      for (let r = start; r < end; r++) {
        const rowBase = r * cols;
        let node = 0;
        for (let d = 0; d < depth; d++) {
          const slot = splitBase + node;
          node = 2 * node + 1 + (data[rowBase + splitFeature[slot]!]! > splitValue[slot]! ? 1 : 0);
        }
        sums[r - start]! += leafPath[leafBase + node]!;
      }
    }
    for (let r = start; r < end; r++) out[r] = Math.pow(2, sums[r - start]! * norm);
  }
  return out;
}

export function scoreRow(forest: Forest, row: ArrayLike<number>): number {
  const data = Float64Array.from(row);
  return scoreForest(forest, { data, rows: 1, cols: data.length })[0]!;
}

function nonConstantFeatures(x: Matrix): Int32Array {
  const keep: number[] = [];
  for (let f = 0; f < x.cols; f++) {
    const first = x.data[f]!;
    for (let r = 1; r < x.rows; r++) {
      if (x.data[r * x.cols + f] !== first) {
        keep.push(f);
        break;
      }
    }
  }
  return Int32Array.from(keep);
}

/** Partial Fisher-Yates: the first sample.length entries of pool become a uniform draw. */
function drawSample(pool: Int32Array, sample: Int32Array, random: Random): void {
  for (let i = 0; i < sample.length; i++) {
    const j = i + random.int(pool.length - i);
    const picked = pool[j]!;
    pool[j] = pool[i]!;
    pool[i] = picked;
    sample[i] = picked;
  }
}

class TreeBuilder {
  private readonly x: Matrix;
  private readonly forest: Forest;
  private readonly candidates: Int32Array;
  private readonly order: Int32Array;
  private readonly random: Random;

  constructor(x: Matrix, forest: Forest, candidates: Int32Array, random: Random) {
    this.x = x;
    this.forest = forest;
    this.candidates = candidates;
    this.order = new Int32Array(candidates.length);
    this.random = random;
  }

  build(tree: number, rows: Int32Array): void {
    this.grow(tree, rows, 0, rows.length, 0, 0);
  }

  private grow(tree: number, rows: Int32Array, lo: number, hi: number, node: number, level: number): void {
    const { depth } = this.forest;
    const size = hi - lo;
    const split = level < depth && size > 1 ? this.pickSplit(rows, lo, hi) : undefined;
    if (!split) {
      this.writeLeaf(tree, node, level, level + averagePathLength(size));
      return;
    }
    const slot = tree * ((1 << depth) - 1) + node;
    this.forest.splitFeature[slot] = split.feature;
    this.forest.splitValue[slot] = split.value;
    const mid = this.partition(rows, lo, hi, split.feature, split.value);
    this.grow(tree, rows, lo, mid, 2 * node + 1, level + 1);
    this.grow(tree, rows, mid, hi, 2 * node + 2, level + 1);
  }

  /** A random feature among those not constant in this node, and a uniform cut inside its range. */
  private pickSplit(rows: Int32Array, lo: number, hi: number): { feature: number; value: number } | undefined {
    const { data, cols } = this.x;
    const order = this.order;
    order.set(this.candidates);
    for (let remaining = order.length; remaining > 0; remaining--) {
      const pick = this.random.int(remaining);
      const feature = order[pick]!;
      order[pick] = order[remaining - 1]!;
      let min = Infinity;
      let max = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = data[rows[i]! * cols + feature]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max > min) {
        let value = Math.fround(min + this.random.next() * (max - min));
        // Float32 rounding may land on max, which would send every row left.
        if (value >= max) value = Math.fround(min);
        return { feature, value };
      }
    }
    return undefined;
  }

  private partition(rows: Int32Array, lo: number, hi: number, feature: number, value: number): number {
    const { data, cols } = this.x;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      if (data[rows[i]! * cols + feature]! > value) {
        const tmp = rows[i]!;
        rows[i] = rows[j]!;
        rows[j] = tmp;
        j--;
      } else {
        i++;
      }
    }
    return i;
  }

  /** Leaf above the depth limit: pass-through splits down to every bottom slot below it. */
  private writeLeaf(tree: number, node: number, level: number, pathLength: number): void {
    const { depth, splitFeature, splitValue, leafPath } = this.forest;
    const nSplits = (1 << depth) - 1;
    const encoded = Math.round(pathLength * LEAF_SCALE);
    let first = node;
    let count = 1;
    for (let l = level; l < depth; l++) {
      for (let k = 0; k < count; k++) {
        const slot = tree * nSplits + first + k;
        splitFeature[slot] = 0;
        splitValue[slot] = Infinity;
      }
      first = 2 * first + 1;
      count *= 2;
    }
    const leafBase = tree * (nSplits + 1) - nSplits;
    for (let k = 0; k < count; k++) leafPath[leafBase + first + k] = encoded;
  }
}

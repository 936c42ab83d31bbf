import { averagePathLength, depthLimit } from './path-length.ts';
import type { Matrix } from './matrix.ts';
import { createRandom, type Random } from './prng.ts';
import { keysOf, PASS_THROUGH_KEY, splitKey } from './split-key.ts';
import { createWasmWalker, type WasmWalker } from './wasm-walker.ts';

/**
 * Isolation Forest (Liu, Ting and Zhou 2008) in flat typed arrays.
 *
 * Every tree is stored as a complete binary tree of the depth limit in heap order (node n
 * has children 2n+1 and 2n+2). A leaf reached before the depth limit becomes a pass-through
 * chain (a threshold no value exceeds, so the walk always goes left) ending in a bottom
 * slot that holds the leaf's path length. A split is one Int32: feature << 24 | threshold
 * key (see split-key.ts). Scoring is then a fixed number of branch-free integer steps per
 * tree with no child pointers to chase, and a 100-tree, psi=256 model is about 150 KB.
 */
export interface Forest {
  nFeatures: number;
  nTrees: number;
  sampleSize: number;
  /** Depth limit; each tree has 2^depth - 1 split slots and 2^depth leaf slots. */
  depth: number;
  /** feature << 24 | threshold key; a row goes right when its key is greater. */
  splits: Int32Array;
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
    splits: new Int32Array(nTrees * nSplits),
    leafPath: new Uint16Array(nTrees * nLeaves),
  };
  const random = createRandom(seed);
  const candidates = nonConstantFeatures(x);
  const rowPool = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) rowPool[i] = i;
  const sample = new Int32Array(sampleSize);
  const builder = new TreeBuilder(x, keysOf(x.data), forest, candidates, random);
  for (let t = 0; t < nTrees; t++) {
    drawSample(rowPool, sample, random);
    builder.build(t, sample);
  }
  return forest;
}

/** Mean path length over the trees for each row, normalised: 2^(-E[h] / c(psi)). */
export function scoreForest(forest: Forest, x: Matrix, out: Float64Array = new Float64Array(x.rows)): Float64Array {
  if (x.cols !== forest.nFeatures) throw new RangeError(`expected ${forest.nFeatures} features, got ${x.cols}`);
  const cols = x.cols;
  const norm = -1 / (LEAF_SCALE * forest.nTrees * averagePathLength(forest.sampleSize));
  const block = Math.min(SCORE_BLOCK, x.rows);
  const walker = wasmWalker(forest, x.rows);
  const buffers = walker ? walker.prepare(forest, cols, block) : { keys: new Int32Array(block * cols), sums: new Int32Array(block) };
  const { keys, sums } = buffers;
  for (let start = 0; start < x.rows; start += SCORE_BLOCK) {
    const count = Math.min(SCORE_BLOCK, x.rows - start);
    keysOf(x.data.subarray(start * cols, (start + count) * cols), keys);
    if (walker) walker.walk(forest, cols, count);
    else sumPathLengths(forest, keys, cols, count, sums);
    for (let r = 0; r < count; r++) out[start + r] = Math.pow(2, sums[r]! * norm);
  }
  return out;
}

let walkerState: { walker: WasmWalker | undefined } | undefined;

/**
 * Below this many rows a forest not already in wasm memory is walked in JavaScript:
 * copying its trees in (about 150 KB) costs more than walking a few rows.
 */
const WASM_MIN_ROWS = 32;

/** The WebAssembly walk (created on first use) when it pays for this call, else undefined. */
function wasmWalker(forest: Forest, rows: number): WasmWalker | undefined {
  walkerState ??= { walker: createWasmWalker() };
  const walker = walkerState.walker;
  return walker && (rows >= WASM_MIN_ROWS || walker.holds(forest)) ? walker : undefined;
}

export function scoreRow(forest: Forest, row: ArrayLike<number>): number {
  const data = Float64Array.from(row);
  return scoreForest(forest, { data, rows: 1, cols: data.length })[0]!;
}

const SCORE_BLOCK = 256;

/**
 * Sum of encoded path lengths over all trees for each row of a block of keys, in
 * JavaScript: the fallback where WebAssembly is unavailable, and the reference the wasm
 * walk (wasm-walker.ts, same algorithm) is tested against. Trees are
 * the outer loop so one tree (1.5 KB) stays in L1 while the block walks it; eight rows
 * walk each tree side by side because one walk is a chain of dependent loads and the CPU
 * only fills its pipeline with several independent chains at once.
 */
export function sumPathLengths(forest: Forest, keys: Int32Array, cols: number, count: number, sums: Int32Array): void {
  const { nTrees, depth, splits, leafPath } = forest;
  const nSplits = (1 << depth) - 1;
  const nLeaves = nSplits + 1;
  sums.fill(0, 0, count);
  const lanes = count - (count % 8);
  for (let t = 0; t < nTrees; t++) {
    const sb = t * nSplits;
    const lb = t * nLeaves - nSplits;
    for (let i = 0; i < lanes; i += 8) {
      const b0 = i * cols;
      const b1 = b0 + cols;
      const b2 = b1 + cols;
      const b3 = b2 + cols;
      const b4 = b3 + cols;
      const b5 = b4 + cols;
      const b6 = b5 + cols;
      const b7 = b6 + cols;
      let n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0, n6 = 0, n7 = 0;
      for (let d = 0; d < depth; d++) {
        const w0 = splits[sb + n0]!, w1 = splits[sb + n1]!, w2 = splits[sb + n2]!, w3 = splits[sb + n3]!;
        const w4 = splits[sb + n4]!, w5 = splits[sb + n5]!, w6 = splits[sb + n6]!, w7 = splits[sb + n7]!;
        n0 = 2 * n0 + 1 + (((w0 & KEY_MASK) - keys[b0 + (w0 >>> 24)]!) >>> 31);
        n1 = 2 * n1 + 1 + (((w1 & KEY_MASK) - keys[b1 + (w1 >>> 24)]!) >>> 31);
        n2 = 2 * n2 + 1 + (((w2 & KEY_MASK) - keys[b2 + (w2 >>> 24)]!) >>> 31);
        n3 = 2 * n3 + 1 + (((w3 & KEY_MASK) - keys[b3 + (w3 >>> 24)]!) >>> 31);
        n4 = 2 * n4 + 1 + (((w4 & KEY_MASK) - keys[b4 + (w4 >>> 24)]!) >>> 31);
        n5 = 2 * n5 + 1 + (((w5 & KEY_MASK) - keys[b5 + (w5 >>> 24)]!) >>> 31);
        n6 = 2 * n6 + 1 + (((w6 & KEY_MASK) - keys[b6 + (w6 >>> 24)]!) >>> 31);
        n7 = 2 * n7 + 1 + (((w7 & KEY_MASK) - keys[b7 + (w7 >>> 24)]!) >>> 31);
      }
      sums[i]! += leafPath[lb + n0]!;
      sums[i + 1]! += leafPath[lb + n1]!;
      sums[i + 2]! += leafPath[lb + n2]!;
      sums[i + 3]! += leafPath[lb + n3]!;
      sums[i + 4]! += leafPath[lb + n4]!;
      sums[i + 5]! += leafPath[lb + n5]!;
      sums[i + 6]! += leafPath[lb + n6]!;
      sums[i + 7]! += leafPath[lb + n7]!;
    }
    for (let i = lanes; i < count; i++) {
      const b = i * cols;
      let n = 0;
      for (let d = 0; d < depth; d++) {
        const w = splits[sb + n]!;
        n = 2 * n + 1 + (((w & KEY_MASK) - keys[b + (w >>> 24)]!) >>> 31);
      }
      sums[i]! += leafPath[lb + n]!;
    }
  }
}

const KEY_MASK = 0xffffff;

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
  private readonly keys: Int32Array;
  private readonly forest: Forest;
  private readonly candidates: Int32Array;
  private readonly order: Int32Array;
  private readonly random: Random;

  constructor(x: Matrix, keys: Int32Array, forest: Forest, candidates: Int32Array, random: Random) {
    this.x = x;
    this.keys = keys;
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
    this.forest.splits[slot] = (split.feature << 24) | split.key;
    const mid = this.partition(rows, lo, hi, split.feature, split.key);
    this.grow(tree, rows, lo, mid, 2 * node + 1, level + 1);
    this.grow(tree, rows, mid, hi, 2 * node + 2, level + 1);
  }

  /**
   * A random feature among those not constant in this node, and a cut drawn uniformly in
   * value (not key) space inside its range, as the paper does, then expressed as a key.
   */
  private pickSplit(rows: Int32Array, lo: number, hi: number): { feature: number; key: number } | undefined {
    const { data, cols } = this.x;
    const keys = this.keys;
    const order = this.order;
    order.set(this.candidates);
    for (let remaining = order.length; remaining > 0; remaining--) {
      const pick = this.random.int(remaining);
      const feature = order[pick]!;
      order[pick] = order[remaining - 1]!;
      let min = Infinity;
      let max = -Infinity;
      let minKey = PASS_THROUGH_KEY;
      let maxKey = 0;
      for (let i = lo; i < hi; i++) {
        const at = rows[i]! * cols + feature;
        const v = data[at]!;
        if (v < min) min = v;
        if (v > max) max = v;
        const k = keys[at]!;
        if (k < minKey) minKey = k;
        if (k > maxKey) maxKey = k;
      }
      if (maxKey > minKey) {
        const cut = splitKey(min + this.random.next() * (max - min));
        // Keep at least one row on each side despite the key's rounding.
        return { feature, key: Math.min(Math.max(cut, minKey), maxKey - 1) };
      }
    }
    return undefined;
  }

  private partition(rows: Int32Array, lo: number, hi: number, feature: number, key: number): number {
    const cols = this.x.cols;
    const keys = this.keys;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      if (keys[rows[i]! * cols + feature]! > key) {
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
    const { depth, splits, leafPath } = this.forest;
    const nSplits = (1 << depth) - 1;
    const encoded = Math.round(pathLength * LEAF_SCALE);
    let first = node;
    let count = 1;
    for (let l = level; l < depth; l++) {
      for (let k = 0; k < count; k++) {
        const slot = tree * nSplits + first + k;
        splits[slot] = PASS_THROUGH_KEY;
      }
      first = 2 * first + 1;
      count *= 2;
    }
    const leafBase = tree * (nSplits + 1) - nSplits;
    for (let k = 0; k < count; k++) leafPath[leafBase + first + k] = encoded;
  }
}

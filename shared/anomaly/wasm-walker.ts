import type { Forest } from './forest.ts';

/**
 * The forest walk of forest.ts compiled to WebAssembly, for speed: wasm loads need no
 * bounds checks and its code is not subject to deoptimisation. Same layout, same integer
 * arithmetic, so the sums are identical to the JavaScript walk (tests check it). The
 * module is assembled here from its instruction list (about 600 bytes), so there is no
 * build step and no binary blob to trust. Where WebAssembly is missing or refused (a
 * strict CSP), createWasmWalker returns undefined and forest.ts walks in JavaScript.
 */
export interface WasmWalker {
  /** Whether this forest's trees are in wasm memory already. */
  holds(forest: Forest): boolean;
  /** Keys and sums views for a block, valid until the next call that may grow memory. */
  prepare(forest: Forest, cols: number, rows: number): { keys: Int32Array; sums: Int32Array };
  /** Sums encoded path lengths of `count` rows of the prepared block over every tree. */
  walk(forest: Forest, cols: number, count: number): void;
}

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

type SumFunction = (splits: number, leaves: number, keys: number, sums: number, nTrees: number, depth: number, cols: number, count: number) => void;

const LANES = 8;
const PAGE = 65_536;

// Opcodes and immediates used below (WebAssembly core spec, binary format).
const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR_IF = 0x0d, VOID = 0x40;
const GET = 0x20, SET = 0x21;
const CONST = 0x41, LT_U = 0x49, GE_U = 0x4f;
const ADD = 0x6a, SUB = 0x6b, MUL = 0x6c, REM_U = 0x70, AND = 0x71, SHL = 0x74, SHR_U = 0x76;
const LOAD = [0x28, 2, 0], LOAD16_U = [0x2f, 1, 0], STORE = [0x36, 2, 0];

// Parameters 0-7, then locals.
const P_SPLITS = 0, P_LEAVES = 1, P_KEYS = 2, P_SUMS = 3, P_TREES = 4, P_DEPTH = 5, P_COLS = 6, P_COUNT = 7;
const L_T = 8, L_I = 9, L_D = 10, L_SB = 11, L_LB = 12, L_LANES_END = 13, L_NS = 14, L_W = 15;
const L_N = 16; // n_k = L_N + k
const L_RK = L_N + LANES; // row key pointer rk_k = L_RK + k
const LOCALS = L_RK + LANES - L_T;

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

const get = (l: number) => [GET, l];
const set = (l: number) => [SET, l];
const i32 = (v: number) => [CONST, ...sleb(v)];

/** The row loop for `lanes` rows walked side by side, from local i while i < `endLocal`. */
function rowLoop(lanes: number, endLocal: number): number[] {
  const code: number[] = [];
  // if (i >= end) skip
  code.push(BLOCK, VOID, ...get(L_I), ...get(endLocal), GE_U, BR_IF, 0, LOOP, VOID);
  for (let k = 0; k < lanes; k++) {
    // rk_k = keys + (i + k) * cols * 4; n_k = 0
    code.push(...get(P_KEYS), ...get(L_I), ...i32(k), ADD, ...get(P_COLS), MUL, ...i32(2), SHL, ADD, ...set(L_RK + k));
    code.push(...i32(0), ...set(L_N + k));
  }
  code.push(...i32(0), ...set(L_D), LOOP, VOID);
  for (let k = 0; k < lanes; k++) {
    const n = L_N + k;
    // w = splits[sb + n]
    code.push(...get(L_SB), ...get(n), ...i32(2), SHL, ADD, ...LOAD, ...set(L_W));
    // n = 2n + 1 + (((w & 0xffffff) - keys[rk + (w >>> 24)]) >>> 31)
    code.push(...get(n), ...i32(1), SHL, ...i32(1), ADD);
    code.push(...get(L_W), ...i32(0xffffff), AND);
    code.push(...get(L_RK + k), ...get(L_W), ...i32(24), SHR_U, ...i32(2), SHL, ADD, ...LOAD);
    code.push(SUB, ...i32(31), SHR_U, ADD, ...set(n));
  }
  // d++ while d < depth
  code.push(...get(L_D), ...i32(1), ADD, ...set(L_D), ...get(L_D), ...get(P_DEPTH), LT_U, BR_IF, 0, END);
  for (let k = 0; k < lanes; k++) {
    // sums[i + k] += leaves[lb + n_k]
    code.push(...get(P_SUMS), ...get(L_I), ...i32(k), ADD, ...i32(2), SHL, ADD);
    code.push(...get(P_SUMS), ...get(L_I), ...i32(k), ADD, ...i32(2), SHL, ADD, ...LOAD);
    code.push(...get(L_LB), ...get(L_N + k), ...i32(1), SHL, ADD, ...LOAD16_U, ADD, ...STORE);
  }
  // i += lanes while i < end
  code.push(...get(L_I), ...i32(lanes), ADD, ...set(L_I), ...get(L_I), ...get(endLocal), LT_U, BR_IF, 0, END, END);
  return code;
}

function sumFunctionBody(): number[] {
  const code: number[] = [];
  // nS = (1 << depth) - 1; lanesEnd = count - count % LANES
  code.push(...i32(1), ...get(P_DEPTH), SHL, ...i32(1), SUB, ...set(L_NS));
  code.push(...get(P_COUNT), ...get(P_COUNT), ...i32(LANES), REM_U, SUB, ...set(L_LANES_END));
  code.push(...i32(0), ...set(L_T), LOOP, VOID);
  // sb = splits + t * nS * 4; lb = leaves + (t * (nS + 1) - nS) * 2; i = 0
  code.push(...get(P_SPLITS), ...get(L_T), ...get(L_NS), MUL, ...i32(2), SHL, ADD, ...set(L_SB));
  code.push(...get(P_LEAVES), ...get(L_T), ...get(L_NS), ...i32(1), ADD, MUL, ...get(L_NS), SUB, ...i32(1), SHL, ADD, ...set(L_LB));
  code.push(...i32(0), ...set(L_I));
  code.push(...rowLoop(LANES, L_LANES_END));
  code.push(...rowLoop(1, P_COUNT));
  code.push(...get(L_T), ...i32(1), ADD, ...set(L_T), ...get(L_T), ...get(P_TREES), LT_U, BR_IF, 0, END);
  return [...uleb(1), ...uleb(LOCALS), 0x7f, ...code, END];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
}

function moduleBytes(): Uint8Array {
  const body = sumFunctionBody();
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 8, ...new Array<number>(8).fill(0x7f), 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('sum'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

export function createWasmWalker(): WasmWalker | undefined {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return undefined;
  let memory: WasmMemory;
  let sum: SumFunction;
  try {
    memory = new api.Memory({ initial: 1 });
    const instance = new api.Instance(new api.Module(moduleBytes()), { env: { memory } });
    sum = instance.exports.sum as SumFunction;
  } catch {
    return undefined;
  }
  let loaded: Forest | undefined;
  let keysAt = 0;
  let sumsAt = 0;
  return {
    holds: (forest) => loaded === forest,
    prepare(forest, cols, rows) {
      const leavesAt = forest.splits.length * 4;
      const keysStart = leavesAt + Math.ceil((forest.leafPath.length * 2) / 4) * 4;
      const needed = keysStart + rows * cols * 4 + rows * 4;
      if (needed > memory.buffer.byteLength) {
        memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
        loaded = undefined;
      }
      if (loaded !== forest) {
        new Int32Array(memory.buffer, 0, forest.splits.length).set(forest.splits);
        new Uint16Array(memory.buffer, leavesAt, forest.leafPath.length).set(forest.leafPath);
        loaded = forest;
      }
      keysAt = keysStart;
      sumsAt = keysStart + rows * cols * 4;
      return { keys: new Int32Array(memory.buffer, keysAt, rows * cols), sums: new Int32Array(memory.buffer, sumsAt, rows) };
    },
    walk(forest, cols, count) {
      new Int32Array(memory.buffer, sumsAt, count).fill(0);
      sum(0, forest.splits.length * 4, keysAt, sumsAt, forest.nTrees, forest.depth, cols, count);
    },
  };
}

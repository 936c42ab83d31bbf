/**
 * Time-series chunks after Gorilla (Pelkonen et al., VLDB 2015; the format Prometheus uses):
 * timestamps as delta-of-delta, values XOR-ed with their previous value, written as a bit
 * stream; plus a decimal mode for the values most metrics carry (after VictoriaMetrics): a
 * column whose values are all decimals with a few digits (0.734, 4096 × pages, counters) is
 * stored as scaled integers whose deltas, divided by their common factor, are bit-packed at
 * the width the chunk needs. A regular 10 s series costs about one bit per timestamp; a
 * utilisation ratio with three decimals about five bits per value instead of ~30 with XOR.
 * One chunk holds the timestamps and one or more value columns (raw samples: one; rollup
 * buckets: min, max, sum, count, last). Every value round-trips bit for bit: a column is
 * scaled only when each value divides back to exactly itself, otherwise it is XOR-coded.
 *
 * Layout (format 2): byte 0 format version, bytes 1–2 sample count (uint16 LE), byte 3
 * column count, then the bit stream: first timestamp as 64 raw bits and every later one's
 * delta-of-delta; then column by column a mode bit and the column — XOR: first value as
 * 64 raw bits and the XOR codes; decimal: exponent k (4 bits), first scaled value, common
 * factor and smallest quotient (each as a 6-bit length and that many bits), width (6 bits)
 * and each quotient minus the smallest at that width. Format 1 (samples interleaved, XOR
 * only) is still read.
 *
 * Shared by the server store and the desktop cache. Pure TypeScript over typed arrays: the
 * encoder and decoder keep their bit cursor in module state (they never yield, so one call
 * runs at a time per thread) and allocate nothing per sample.
 */

export const CHUNK_FORMAT_VERSION = 2;
const INTERLEAVED_FORMAT = 1;
/** Samples per chunk the stores aim for: ~120 is where compression stops improving. */
export const CHUNK_SAMPLES = 120;
const HEADER_BYTES = 4;
const MAX_COUNT = 0xffff;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Typed arrays use the platform's byte order; every platform Node runs on is little-endian.
const LO = 0;
const HI = 1;

// ---- bit writer ----
let out = new Uint8Array(4096);
let bitPos = 0;

function ensure(bytes: number): void {
  if (bytes <= out.length) return;
  const grown = new Uint8Array(Math.max(bytes, out.length * 2));
  grown.set(out);
  out = grown;
}

/** While set, `put` only counts bits: how the encoder prices a column's XOR coding. */
let dry = false;

/** Writes the low `n` (0–32) bits of `value`, most significant first. */
function put(value: number, n: number): void {
  if (dry) {
    bitPos += n;
    return;
  }
  while (n > 0) {
    const free = 8 - (bitPos & 7);
    const take = n < free ? n : free;
    const bits = (value >>> (n - take)) & ((1 << take) - 1);
    out[bitPos >>> 3]! |= bits << (free - take);
    bitPos += take;
    n -= take;
  }
}

// ---- bit reader ----
let inp: Uint8Array = out;
let readPos = 0;

/** Reads `n` (0–32) bits as an unsigned number. */
function get(n: number): number {
  let v = 0;
  while (n > 0) {
    const avail = 8 - (readPos & 7);
    const take = n < avail ? n : avail;
    const bits = (inp[readPos >>> 3]! >>> (avail - take)) & ((1 << take) - 1);
    v = (v << take) | bits;
    readPos += take;
    n -= take;
  }
  return v >>> 0;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

// ---- delta-of-delta timestamps ----

function putSigned(value: number, n: number): void {
  put(value & (n === 32 ? -1 : (1 << n) - 1), n);
}

function getSigned(n: number): number {
  const v = get(n);
  return v >= 2 ** (n - 1) ? v - 2 ** n : v;
}

function putDod(dod: number): void {
  if (dod === 0) put(0, 1);
  else if (dod >= -8192 && dod < 8192) {
    put(0b10, 2);
    putSigned(dod, 14);
  } else if (dod >= -65536 && dod < 65536) {
    put(0b110, 3);
    putSigned(dod, 17);
  } else if (dod >= -524288 && dod < 524288) {
    put(0b1110, 4);
    putSigned(dod, 20);
  } else {
    put(0b1111, 4);
    putFloat(dod);
  }
}

function getDod(): number {
  if (get(1) === 0) return 0;
  if (get(1) === 0) return getSigned(14);
  if (get(1) === 0) return getSigned(17);
  if (get(1) === 0) return getSigned(20);
  return getFloat();
}

function putFloat(v: number): void {
  f64[0] = v;
  put(u32[HI]!, 32);
  put(u32[LO]!, 32);
}

function getFloat(): number {
  u32[HI] = get(32);
  u32[LO] = get(32);
  return f64[0]!;
}

// ---- XOR values (per-column state in typed arrays) ----
const MAX_COLUMNS = 8;
const prevHi = new Uint32Array(MAX_COLUMNS);
const prevLo = new Uint32Array(MAX_COLUMNS);
const prevLead = new Int32Array(MAX_COLUMNS);
const prevTrail = new Int32Array(MAX_COLUMNS);

function putMeaningful(xh: number, xl: number, trail: number, sig: number): void {
  let sh: number;
  let sl: number;
  if (trail >= 32) {
    sl = xh >>> (trail - 32);
    sh = 0;
  } else if (trail === 0) {
    sl = xl;
    sh = xh;
  } else {
    sl = ((xl >>> trail) | (xh << (32 - trail))) >>> 0;
    sh = xh >>> trail;
  }
  if (sig > 32) {
    put(sh, sig - 32);
    put(sl, 32);
  } else put(sl, sig);
}

function putValue(c: number, v: number): void {
  f64[0] = v;
  const hi = u32[HI]!;
  const lo = u32[LO]!;
  const xh = (hi ^ prevHi[c]!) >>> 0;
  const xl = (lo ^ prevLo[c]!) >>> 0;
  prevHi[c] = hi;
  prevLo[c] = lo;
  if (xh === 0 && xl === 0) {
    put(0, 1);
    return;
  }
  let lead = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
  if (lead > 31) lead = 31;
  const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
  const pl = prevLead[c]!;
  if (pl >= 0 && lead >= pl && trail >= prevTrail[c]!) {
    put(0b10, 2);
    putMeaningful(xh, xl, prevTrail[c]!, 64 - pl - prevTrail[c]!);
    return;
  }
  const sig = 64 - lead - trail;
  put(0b11, 2);
  put(lead, 5);
  put(sig & 63, 6);
  putMeaningful(xh, xl, trail, sig);
  prevLead[c] = lead;
  prevTrail[c] = trail;
}

function getValue(c: number): number {
  if (get(1) === 1) {
    if (get(1) === 1) {
      const lead = get(5);
      const sig = get(6) || 64;
      prevLead[c] = lead;
      prevTrail[c] = 64 - lead - sig;
    }
    const trail = prevTrail[c]!;
    const sig = 64 - prevLead[c]! - trail;
    let sh = 0;
    let sl: number;
    if (sig > 32) {
      sh = get(sig - 32);
      sl = get(32);
    } else sl = get(sig);
    let xh: number;
    let xl: number;
    if (trail >= 32) {
      xh = sl << (trail - 32);
      xl = 0;
    } else if (trail === 0) {
      xh = sh;
      xl = sl;
    } else {
      xh = (sh << trail) | (sl >>> (32 - trail));
      xl = sl << trail;
    }
    prevHi[c] = (prevHi[c]! ^ xh) >>> 0;
    prevLo[c] = (prevLo[c]! ^ xl) >>> 0;
  }
  u32[HI] = prevHi[c]!;
  u32[LO] = prevLo[c]!;
  return f64[0]!;
}

// ---- decimal columns ----
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
const MAX_SCALED = 2 ** 50;
/** Scratch quotients of one column (grown on demand). */
let quotients = new Float64Array(256);

/** The value as an integer at 10^k that divides back to exactly itself, or NaN. */
function scaled(v: number, k: number): number {
  // `+ 0` makes -0 into 0, so a -0 value fails the check below and its column is XOR-coded.
  const s = Math.round(v * POW10[k]!) + 0;
  return Math.abs(s) <= MAX_SCALED && Object.is(s / POW10[k]!, v) ? s : NaN;
}

/** A non-negative integer below 2^53 as a 6-bit length and that many bits. */
function putBig(v: number): void {
  const hi = Math.floor(v / 2 ** 32);
  const lo = v >>> 0;
  const len = hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
  put(len, 6);
  if (len > 32) {
    put(hi, len - 32);
    put(lo, 32);
  } else put(lo, len);
}

function getBig(): number {
  const len = get(6);
  if (len > 32) {
    const hi = get(len - 32);
    return hi * 2 ** 32 + get(32);
  }
  return get(len);
}

const zigzag = (v: number): number => (v >= 0 ? 2 * v : -2 * v - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Writes the column as decimal if every value is a decimal with at most 12 digits after the
 * point and that coding is smaller than `xorBits`; returns whether it did.
 */
function putDecimalColumn(column: ArrayLike<number>, from: number, to: number, xorBits: number): boolean {
  let k = 0;
  for (let i = from; i < to; i++) {
    const v = column[i]!;
    if (!Number.isFinite(v)) return false;
    while (k < POW10.length && Number.isNaN(scaled(v, k))) k++;
    if (k === POW10.length) return false;
  }
  const n = to - from;
  if (quotients.length < n) quotients = new Float64Array(n);
  const first = scaled(column[from]!, k);
  if (Number.isNaN(first)) return false;
  let prev = first;
  let factor = 0;
  for (let i = from + 1; i < to; i++) {
    const s = scaled(column[i]!, k);
    if (Number.isNaN(s)) return false;
    const d = s - prev;
    quotients[i - from] = d;
    factor = gcd(factor, Math.abs(d));
    prev = s;
  }
  if (factor === 0) factor = 1;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 1; i < n; i++) {
    const q = quotients[i]! / factor;
    quotients[i] = q;
    if (q < min) min = q;
    if (q > max) max = q;
  }
  if (n === 1) min = max = 0;
  const range = max - min;
  if (range >= 2 ** 32) return false;
  const width = range === 0 ? 0 : 32 - Math.clz32(range);
  const start = bitPos;
  dry = true;
  put(1, 1);
  put(k, 4);
  putBig(zigzag(first));
  putBig(factor);
  putBig(zigzag(min));
  put(width, 6);
  const bits = bitPos - start + width * (n - 1);
  bitPos = start;
  dry = false;
  if (bits >= xorBits) return false;
  put(1, 1);
  put(k, 4);
  putBig(zigzag(first));
  putBig(factor);
  putBig(zigzag(min));
  put(width, 6);
  if (width > 0) for (let i = 1; i < n; i++) put(quotients[i]! - min, width);
  return true;
}

function getDecimalColumn(out: Float64Array, offset: number, n: number): void {
  const p = POW10[get(4)]!;
  let s = unzigzag(getBig());
  const factor = getBig();
  const min = unzigzag(getBig());
  const width = get(6);
  out[offset] = s / p;
  if (width === 0) {
    for (let i = 1; i < n; i++) {
      s += min * factor;
      out[offset + i] = s / p;
    }
    return;
  }
  if (width > 25) {
    for (let i = 1; i < n; i++) {
      s += (get(width) + min) * factor;
      out[offset + i] = s / p;
    }
    return;
  }
  // A quotient of up to 25 bits lies within the four bytes from the one it starts in:
  // read them as one word and shift it out, instead of `get`'s loop byte by byte. The
  // last quotients of the chunk, whose four bytes would run past its end, go through `get`.
  const bytes = inp;
  const last = bytes.length - 4;
  const drop = 32 - width;
  let pos = readPos;
  for (let i = 1; i < n; i++) {
    const b = pos >>> 3;
    let q: number;
    if (b <= last) {
      const word = (bytes[b]! << 24) | (bytes[b + 1]! << 16) | (bytes[b + 2]! << 8) | bytes[b + 3]!;
      q = (word << (pos & 7)) >>> drop;
      pos += width;
    } else {
      readPos = pos;
      q = get(width);
      pos = readPos;
    }
    s += (q + min) * factor;
    out[offset + i] = s / p;
  }
  readPos = pos;
}

function putXorColumn(column: ArrayLike<number>, from: number, to: number): void {
  put(0, 1);
  f64[0] = column[from]!;
  prevHi[0] = u32[HI]!;
  prevLo[0] = u32[LO]!;
  prevLead[0] = -1;
  prevTrail[0] = 0;
  putFloat(f64[0]!);
  for (let i = from + 1; i < to; i++) putValue(0, column[i]!);
}

/**
 * Encodes samples `[from, to)` of strictly increasing integer timestamps (ms) and their
 * value columns into a new chunk. Timestamps must be integers: delta-of-delta is exact.
 */
export function encodeChunk(timestamps: ArrayLike<number>, columns: readonly ArrayLike<number>[], from = 0, to = timestamps.length): Uint8Array {
  const count = to - from;
  if (count <= 0 || count > MAX_COUNT) throw new RangeError(`a chunk holds 1–${MAX_COUNT} samples (got ${count})`);
  const cols = columns.length;
  if (cols < 1 || cols > MAX_COLUMNS) throw new RangeError(`a chunk holds 1–${MAX_COLUMNS} value columns (got ${cols})`);
  // Worst case per sample: 68 bits of timestamp, 77 bits per column.
  const bound = HEADER_BYTES + 8 + Math.ceil((count * (68 + 77 * cols)) / 8) + 8 * (cols + 1);
  ensure(bound);
  out.fill(0, 0, bound);
  out[0] = CHUNK_FORMAT_VERSION;
  out[1] = count & 0xff;
  out[2] = count >>> 8;
  out[3] = cols;
  bitPos = HEADER_BYTES * 8;
  const t0 = timestamps[from]!;
  putFloat(t0);
  let prevTs = t0;
  let prevDelta = 0;
  for (let i = from + 1; i < to; i++) {
    const ts = timestamps[i]!;
    const delta = ts - prevTs;
    putDod(delta - prevDelta);
    prevDelta = delta;
    prevTs = ts;
  }
  for (let c = 0; c < cols; c++) {
    // Price the XOR coding first (a dry run), then keep whichever coding is smaller.
    const start = bitPos;
    dry = true;
    putXorColumn(columns[c]!, from, to);
    const xorBits = bitPos - start;
    bitPos = start;
    dry = false;
    if (!putDecimalColumn(columns[c]!, from, to, xorBits)) putXorColumn(columns[c]!, from, to);
  }
  return out.slice(0, (bitPos + 7) >>> 3);
}

/** Samples in a chunk, read from its header. */
export function chunkCount(chunk: Uint8Array): number {
  return chunk[1]! | (chunk[2]! << 8);
}

export function chunkColumns(chunk: Uint8Array): number {
  return chunk[3]!;
}

/**
 * Decodes a chunk into `timestamps` and `columns` starting at `offset` (the arrays must
 * have room for `chunkCount(chunk)` more); returns the number of samples written.
 */
export function decodeChunkInto(chunk: Uint8Array, timestamps: Float64Array, columns: readonly Float64Array[], offset = 0): number {
  if (chunk[0] === INTERLEAVED_FORMAT) return decodeInterleaved(chunk, timestamps, columns, offset);
  if (chunk[0] !== CHUNK_FORMAT_VERSION) throw new Error(`unknown chunk format ${chunk[0]}`);
  const count = chunkCount(chunk);
  const cols = chunk[3]!;
  if (columns.length < cols) throw new RangeError(`the chunk has ${cols} columns; ${columns.length} given`);
  inp = chunk;
  readPos = HEADER_BYTES * 8;
  let ts = getFloat();
  timestamps[offset] = ts;
  let delta = 0;
  for (let i = 1; i < count; i++) {
    // A regular series' timestamps are nearly all a 0 bit (the same delta): read it inline.
    if (((chunk[readPos >>> 3]! >>> (7 - (readPos & 7))) & 1) === 0) readPos++;
    else delta += getDod();
    ts += delta;
    timestamps[offset + i] = ts;
  }
  for (let c = 0; c < cols; c++) {
    const column = columns[c]!;
    if (get(1) === 1) {
      getDecimalColumn(column, offset, count);
      continue;
    }
    const v = getFloat();
    f64[0] = v;
    prevHi[0] = u32[HI]!;
    prevLo[0] = u32[LO]!;
    prevLead[0] = -1;
    column[offset] = v;
    for (let i = 1; i < count; i++) column[offset + i] = getValue(0);
  }
  return count;
}

/** Format 1: samples interleaved (timestamp, then each column), values XOR-coded. */
function decodeInterleaved(chunk: Uint8Array, timestamps: Float64Array, columns: readonly Float64Array[], offset: number): number {
  const count = chunkCount(chunk);
  const cols = chunk[3]!;
  if (columns.length < cols) throw new RangeError(`the chunk has ${cols} columns; ${columns.length} given`);
  inp = chunk;
  readPos = HEADER_BYTES * 8;
  let ts = getFloat();
  timestamps[offset] = ts;
  for (let c = 0; c < cols; c++) {
    const v = getFloat();
    f64[0] = v;
    prevHi[c] = u32[HI]!;
    prevLo[c] = u32[LO]!;
    prevLead[c] = -1;
    columns[c]![offset] = v;
  }
  let delta = 0;
  for (let i = 1; i < count; i++) {
    delta += getDod();
    ts += delta;
    timestamps[offset + i] = ts;
    for (let c = 0; c < cols; c++) columns[c]![offset + i] = getValue(c);
  }
  return count;
}

/** A chunk decoded into fresh arrays. */
export function decodeChunk(chunk: Uint8Array): { timestamps: Float64Array; columns: Float64Array[] } {
  const count = chunkCount(chunk);
  const timestamps = new Float64Array(count);
  const columns = Array.from({ length: chunk[3]! }, () => new Float64Array(count));
  decodeChunkInto(chunk, timestamps, columns);
  return { timestamps, columns };
}

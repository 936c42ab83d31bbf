import type { SeriesRangeColumns } from './service.ts';

/**
 * Writes a range answer (`RangeResponseSchema`: `{"series":[{id, name, labels, resolution,
 * timestamps, values}]}`) as JSON bytes in one pass over the columns. A 50-series answer has
 * 200,000 numbers: built as arrays of numbers and handed to the schema serializer, the
 * numbers became strings joined into a rope, which the socket write then flattened and
 * re-encoded; profiled, that was a third of the request's CPU. Here every number goes
 * straight into one buffer as ASCII digits: integers (timestamps, counters, byte gauges)
 * digit pair by digit pair, short decimals as scaled integers, anything else through
 * `String(n)`, which is JSON's own number format. Non-finite numbers are written as
 * `null`, as JSON.stringify does.
 *
 * `lend`, when given, may lend a whole buffer of at least the bytes asked for to write
 * into (answer-buffers.ts); the answer is always a view from the start of a whole buffer,
 * which `wholeBuffer` gives back.
 */
export function writeRangeAnswer(series: readonly SeriesRangeColumns[], lend?: (bytes: number) => Buffer | undefined): Buffer {
  const bytes = estimate(series);
  const w = new RangeAnswerWriter(bytes, lend?.(bytes));
  for (const one of series) w.series(one);
  return w.done();
}

/**
 * `writeRangeAnswer` one series at a time, for a caller whose columns do not outlive the
 * next series' computation (views of scratch space, range-answer.ts): the same bytes.
 * `capacity` is a first guess (`answerBytesAtMost`); the buffer grows past it if needed.
 */
export class RangeAnswerWriter {
  readonly #w: JsonByteWriter;
  #count = 0;

  constructor(capacity: number, lent?: Buffer) {
    this.#w = new JsonByteWriter(capacity, lent);
    this.#w.ascii('{"series":[');
  }

  series(one: SeriesRangeColumns): void {
    const w = this.#w;
    if (this.#count++ > 0) w.byte(COMMA);
    w.ascii('{"id":');
    w.number(one.id);
    w.ascii(',"name":');
    w.text(JSON.stringify(one.name));
    w.ascii(',"labels":');
    w.text(JSON.stringify(one.labels));
    w.ascii(',"resolution":');
    w.text(JSON.stringify(one.resolution));
    w.ascii(',"timestamps":[');
    w.numbers(one.timestamps);
    w.ascii('],"values":[');
    w.numbers(one.values);
    w.ascii(']}');
  }

  done(): Buffer {
    this.#w.ascii(']}');
    return this.#w.done();
  }
}

const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
/** Integers below this are written digit by digit (2^53: every one of them is exact). */
const EXACT = 2 ** 53;
/** Below this a number times 10^6 is an exact integer (2^53 / 10^6). */
const SHORT_DECIMAL_MAX = EXACT / 1e6;
/** Two ASCII digits per number 0–99. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = ZERO + Math.floor(i / 10);
  PAIRS[2 * i + 1] = ZERO + (i % 10);
}

/** Bytes a series costs at most, roughly: its text plus 24 bytes a number. */
function estimate(series: readonly SeriesRangeColumns[]): number {
  let bytes = 16;
  for (const s of series) bytes += seriesBytes(s.name, s.timestamps.length);
  return bytes;
}

/** `estimate` of one series of `points` points; `answerBytesAtMost` bounds it before the points are known. */
export function seriesBytes(name: string, points: number): number {
  return 160 + name.length * 6 + 48 * points;
}

class JsonByteWriter {
  #buf: Buffer;
  #at = 0;

  constructor(capacity: number, lent?: Buffer) {
    // Never a slice of Node's shared buffer pool: a worker moves the answer's own memory to
    // the request thread (range-worker.ts), which a pooled buffer would take with it.
    this.#buf = lent ?? Buffer.allocUnsafeSlow(capacity);

  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#at + n));
    this.#buf.copy(grown, 0, 0, this.#at);
    this.#buf = grown;

  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.#at++] = b;
  }

  ascii(text: string): void {
    this.#room(text.length);
    for (let i = 0; i < text.length; i++) this.#buf[this.#at++] = text.charCodeAt(i);
  }

  /** Any JSON text (names and labels may hold any character). */
  text(json: string): void {
    this.#room(json.length * 3);
    this.#at += this.#buf.write(json, this.#at, 'utf8');
  }

  numbers(column: Float64Array): void {
    // A number takes at most 24 bytes (`-1.2345678901234567e-300`) plus its comma.
    this.#room(column.length * 25);
    // The position and the buffer in locals: the hot loop of a large answer.
    const buf = this.#buf;
    let at = this.#at;
    for (let i = 0; i < column.length; i++) {
      if (i > 0) buf[at++] = COMMA;
      at = writeNumber(buf, at, column[i]!);
    }
    this.#at = at;
  }

  number(v: number): void {
    this.#room(25);
    this.#at = writeNumber(this.#buf, this.#at, v);
  }

  done(): Buffer {
    return this.#buf.subarray(0, this.#at);
  }
}

/** Writes `v` at `at` (room for 25 bytes is the caller's), returns the position after it. */
function writeNumber(buf: Uint8Array, at: number, v: number): number {
  if (v < 0 && v > -EXACT) {
    buf[at++] = MINUS;
    v = -v;
  }
  if (v < EXACT && v >= 0) {
    if (Number.isInteger(v)) return writeUint(buf, at, v);
    // A decimal with up to six digits after the point whose digits parse back to the very
    // same number (the division is correctly rounded, as parsing the digits is): written
    // as its scaled integer with the point put back in and the fraction's trailing zeros cut.
    if (v < SHORT_DECIMAL_MAX) {
      const scaled = Math.round(v * 1e6);
      if (scaled / 1e6 === v) {
        const whole = Math.floor(v);
        // Below 10^6 and not 0 (v is no integer): an int32, so that cutting its trailing
        // zeros is integer arithmetic (on a double, V8's `% 10` is a call to a C remainder).
        let fraction = (scaled - whole * 1e6) | 0;
        at = writeUint(buf, at, whole);
        buf[at++] = DOT;
        let width = 6;
        let rest = (fraction / 10) | 0;
        while (fraction === rest * 10) {
          fraction = rest;
          rest = (fraction / 10) | 0;
          width--;
        }
        return writeDigits(buf, at, fraction, width);
      }
    }
  }
  if (!Number.isFinite(v)) {
    buf[at] = 0x6e; // null
    buf[at + 1] = 0x75;
    buf[at + 2] = 0x6c;
    buf[at + 3] = 0x6c;
    return at + 4;
  }
  // Anything else (17 significant digits, exponents, negative numbers too large for the
  // integer path, which keep their sign in the text) through JSON's own number format.
  const text = String(v);
  for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
  return at;
}

/** A non-negative integer below 2^53: below 10^8 at once, else the high digits and the low eight zero-padded, each in int32 arithmetic. */
function writeUint(buf: Uint8Array, at: number, v: number): number {
  if (v < 1e8) return writeDigits(buf, at, v, digitsOf(v));
  const high = Math.floor(v / 1e8);
  at = writeDigits(buf, at, high, digitsOf(high));
  return writeDigits(buf, at, v - high * 1e8, 8);
}

/** How many decimal digits `n` (below 10^8) has. */
function digitsOf(n: number): number {
  return n < 10_000 ? (n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : 4) : n < 1_000_000 ? (n < 100_000 ? 5 : 6) : n < 10_000_000 ? 7 : 8;
}

/** `v` (below 10^8, an integer) in exactly `width` decimal digits, left-padded with zeros. */
function writeDigits(buf: Uint8Array, at: number, v: number, width: number): number {
  let n = v | 0;
  const end = at + width;
  let w = end;
  while (w - at >= 2) {
    const rest = (n / 100) | 0;
    const pair = (n - rest * 100) << 1;
    buf[--w] = PAIRS[pair + 1]!;
    buf[--w] = PAIRS[pair]!;
    n = rest;
  }
  if (w > at) buf[at] = ZERO + n;
  return end;
}

/** The whole buffer an answer of `writeRangeAnswer` is a view into: what goes back to `AnswerBuffers`. */
export function wholeBuffer(answer: Uint8Array): Buffer {
  return Buffer.from(answer.buffer, 0, answer.buffer.byteLength);
}

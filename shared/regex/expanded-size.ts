/**
 * An upper estimate of the size of an RE2 pattern once its counted repetitions are
 * expanded (`x{n,m}` is compiled as m copies of x), read from the source text without
 * compiling it. re2js keeps Go's bound (about 1.4 million instructions), but compiles
 * some thousand times slower than Go: 110 copies of `\pL{999}`, 884 characters, held the
 * event loop 10 s and took 700 MB. `compileAnchoredRegex` refuses a pattern above
 * `MAX_EXPANDED_SIZE` before re2js sees it.
 *
 * The measure follows RE2's own size check (regexp/syntax `calcSize`: a literal character
 * 1, `x*` 2 + x, `x+` and `x?` 1 + x, alternation the sum and one per `|`, `x{n,m}`
 * m·x + m − n, `x{n,}` 1 + n·x), with a character class (`.`, `[…]`, `\d`, `\pL`…)
 * weighing `CLASS_WEIGHT`: it costs re2js several times a literal to compile and to test.
 * Malformed text is sized as far as it reads; re2js then refuses it with its own message.
 */
export const MAX_EXPANDED_SIZE = 4096;
const CLASS_WEIGHT = 4;

interface Frame {
  /** Finished alternatives' total and count. */
  alternatives: number;
  branches: number;
  /** The current alternative's items so far, and the size of its last item (what a repetition applies to). */
  concat: number;
  last: number;
}

const REPEAT = /^\{(\d+)(,(\d*))?\}/;
const NAMED_CLASS = /^\\[pP](\{[^}]*\}|.)/s;
const HEX = /^\\x(\{[0-9A-Fa-f]*\}|[0-9A-Fa-f]{0,2})/;

/** Length of the class starting at `source[start] === '['`, to just past its `]`. */
function classLength(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i += 1;
  // A `]` first in the class is a literal in RE2.
  if (source[i] === ']') i += 1;
  while (i < source.length && source[i] !== ']') {
    if (source[i] === '\\') {
      const named = NAMED_CLASS.exec(source.slice(i, i + 64)) ?? HEX.exec(source.slice(i, i + 64));
      i += named ? named[0].length : 2;
    } else if (source.startsWith('[:', i)) {
      const end = source.indexOf(':]', i + 2);
      i = end < 0 ? i + 1 : end + 2;
    } else {
      i += 1;
    }
  }
  return Math.min(source.length, i + 1) - start;
}

export function expandedSize(source: string): number {
  const stack: Frame[] = [];
  let frame: Frame = { alternatives: 0, branches: 0, concat: 0, last: 0 };
  const item = (size: number) => {
    frame.concat += size;
    frame.last = size;
  };
  /** Replaces the last item by its repetition. */
  const repeat = (size: number) => {
    frame.concat += size - frame.last;
    frame.last = size;
  };
  const close = (f: Frame) => (f.branches === 0 ? f.concat : f.alternatives + f.concat + f.branches);

  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const counted = ch === '{' ? REPEAT.exec(source.slice(i, i + 24)) : null;
    if (counted) {
      const min = Number(counted[1]);
      const max = counted[2] === undefined ? min : counted[3] === '' ? -1 : Number(counted[3]);
      repeat(max === -1 ? 1 + min * frame.last : Math.max(max, 1) * frame.last + Math.max(0, max - min));
      i += counted[0].length;
      if (source[i] === '?') i += 1;
    } else if (ch === '*' || ch === '+' || ch === '?') {
      repeat((ch === '*' ? 2 : 1) + frame.last);
      i += 1;
      if (source[i] === '?') i += 1;
    } else if (ch === '|') {
      frame.alternatives += frame.concat;
      frame.branches += 1;
      frame.concat = 0;
      frame.last = 0;
      i += 1;
    } else if (ch === '(') {
      const flags = /^\(\?[A-Za-z-]*\)/.exec(source.slice(i, i + 32));
      if (flags) {
        i += flags[0].length;
        continue;
      }
      stack.push(frame);
      frame = { alternatives: 0, branches: 0, concat: 0, last: 0 };
      i += 1;
    } else if (ch === ')') {
      const inner = close(frame);
      frame = stack.pop() ?? { alternatives: 0, branches: 0, concat: 0, last: 0 };
      item(Math.max(1, inner));
      i += 1;
    } else if (ch === '[') {
      item(CLASS_WEIGHT);
      i += classLength(source, i);
    } else if (ch === '.') {
      item(CLASS_WEIGHT);
      i += 1;
    } else if (ch === '\\') {
      const next = source[i + 1];
      if (next === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        const text = end < 0 ? source.length - i - 2 : end - i - 2;
        // Quoted text is literals; a repetition after it applies to its last character.
        if (text > 0) {
          frame.concat += text - 1;
          item(1);
        }
        i = end < 0 ? source.length : end + 2;
        continue;
      }
      const named = NAMED_CLASS.exec(source.slice(i, i + 64));
      const hex = named ? null : HEX.exec(source.slice(i, i + 64));
      item(named || (next !== undefined && 'dDsSwW'.includes(next)) ? CLASS_WEIGHT : 1);
      i += named ? named[0].length : hex ? hex[0].length : 2;
    } else {
      // A literal, `^`, `$`, or a `{` that starts no repetition (a literal in RE2).
      item(1);
      i += ch.length;
    }
  }
  let size = close(frame);
  while (stack.length > 0) {
    const outer = stack.pop()!;
    outer.concat += size;
    frame = outer;
    size = close(frame);
  }
  return size;
}

/** Whole numbers spelt as words, up to ninety-nine: shared by the ids said as words and the lengths said so. */

export const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
export const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** Every word of a number up to 99, "twenty-one" as well as "twenty": looked up once per word, not parsed again. */
const NUMBER_OF: ReadonlyMap<string, number> = new Map([
  ...UNITS.map((word, n) => [word, n] as const),
  ...TENS.slice(2).flatMap((tens, t) => [[tens, (t + 2) * 10] as const, ...UNITS.slice(1, 10).map((ones, o) => [`${tens}-${ones}`, (t + 2) * 10 + o + 1] as const)]),
]);

/** "twelve" → 12, "twenty-one" → 21 (up to 99), anything else → null. */
export function numberWord(norm: string): number | null {
  return NUMBER_OF.get(norm) ?? null;
}

/** Whether `norm` is a tens' word alone ("forty"), which a ones' word may follow apart ("forty five"). */
export function isTensWord(norm: string): boolean {
  return TENS.indexOf(norm) >= 2;
}

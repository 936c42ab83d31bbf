/** Whole numbers spelt as words, up to ninety-nine: shared by the ids said as words and the lengths said so. */

export const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
export const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** "twelve" → 12, "twenty-one" → 21 (up to 99), anything else → null. */
export function numberWord(norm: string): number | null {
  const unit = UNITS.indexOf(norm);
  if (unit !== -1) return unit;
  const [tens, ones] = norm.split('-');
  const t = TENS.indexOf(tens ?? '');
  if (t < 2) return null;
  const o = ones === undefined ? 0 : UNITS.indexOf(ones);
  return o >= 0 && o < 10 ? t * 10 + o : null;
}

/** Whether `norm` is a tens' word alone ("forty"), which a ones' word may follow apart ("forty five"). */
export function isTensWord(norm: string): boolean {
  return TENS.indexOf(norm) >= 2;
}

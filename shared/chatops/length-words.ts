import { saidBeforeFreeText } from './spoken-ids.ts';

/**
 * Lengths written in forms the duration reader does not know, written as ones it does before the line is read, and only
 * before any free text (a comment keeps its words as typed):
 * - ISO 8601's, as APIs, Kubernetes and Alertmanager's own tools print them ("silence web-1 for PT2H", "for PT1H30M", "for
 *   P1D"): "PT2H" was an alert's name and the silence the default hour;
 * - a fortnight ("for a fortnight", "last fortnight", "the past fortnight"): two weeks; it was an alert's name, and a window
 *   said so was asked about as a time not read.
 */
const ISO_DURATION = /\bP(?=\d|T\d)(?:(\d{1,3})W)?(?:(\d{1,3})D)?(?:T(?=\d)(?:(\d{1,4})H)?(?:(\d{1,5})M)?(?:(\d{1,6})S)?)?\b/gi;
const FORTNIGHT = /\b(?:(a|one)\s+)?fortnight\b/gi;

function isoLength(weeks?: string, days?: string, hours?: string, minutes?: string, seconds?: string): string | null {
  const parts = [[weeks, 'w'], [days, 'd'], [hours, 'h'], [minutes, 'm'], [seconds, 's']].filter(([n]) => n !== undefined).map(([n, unit]) => `${Number(n)}${unit!}`);
  return parts.length === 0 ? null : parts.join('');
}

export function lengthWordsRead(text: string): string {
  let out = text;
  if (/p\d|pt\d/i.test(out)) {
    const said = out;
    out = out.replace(ISO_DURATION, (whole: string, w?: string, d?: string, h?: string, m?: string, s?: string, offset?: number) =>
      (saidBeforeFreeText(said, offset ?? 0) ? isoLength(w, d, h, m, s) ?? whole : whole));
  }
  if (/fortnight/i.test(out)) {
    const said = out;
    out = out.replace(FORTNIGHT, (whole: string, _a: string | undefined, offset: number) => (saidBeforeFreeText(said, offset) ? '2 weeks' : whole));
  }
  return out;
}

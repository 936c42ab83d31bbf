import { EXAMPLES, PARSE_THRESHOLD, permissionFor, type Alternative, type Intent, type ParseResult } from './intents.ts';
import { previewOf } from './format.ts';
import type { InventoryIndex } from './inventory.ts';
import { RULES, type Line, type Reading } from './rules.ts';
import type { TimeReference } from './times.ts';
import { mergePhrasalVerbs, tokenize } from './tokens.ts';

export const MAX_TEXT_LENGTH = 2000;

/** Two readings this close are a tie: the parser asks rather than pick one. */
const TIE_MARGIN = 0.05;

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function alternativeOf(reading: Reading, now: number): Alternative[] {
  const intent: Intent = reading.command.intent;
  if (reading.suggestions && reading.suggestions.length > 0) {
    return reading.suggestions.map((name) => ({ intent, text: `${reading.problem ?? ''} Did you mean ${name}?`.trim(), confidence: round(reading.confidence) }));
  }
  const text = reading.problem ? `${reading.problem}` : previewOf(reading.command, now);
  const example = intent === 'unknown' ? undefined : EXAMPLES[intent][0];
  return [{ intent, text: reading.problem && example && !reading.problem.includes('e.g.') ? `${text} (e.g. "${example}")` : text, confidence: round(reading.confidence) }];
}

/**
 * Parses one chat line into an intent with its slots. Pure and deterministic: the same
 * text, inventory and clock give the same answer. Every rule reads the line; the best
 * reading wins if it is sure enough and not tied, otherwise the answer is `unknown` with
 * the readings as "did you mean" alternatives.
 */
export function parseCommand(text: string, index: InventoryIndex, ref: TimeReference): ParseResult {
  const clipped = text.slice(0, MAX_TEXT_LENGTH).trim();
  const line: Line = { text: clipped, tokens: mergePhrasalVerbs(tokenize(clipped)), index, ref };
  const readings: Reading[] = [];
  for (const rule of RULES) {
    const reading = rule(line);
    if (reading) readings.push(reading);
  }
  readings.sort((a, b) => b.confidence - a.confidence);
  const [best, second] = readings;
  const tied = best && second && second.command.intent !== best.command.intent && best.confidence - second.confidence < TIE_MARGIN;
  if (best && !best.problem && best.confidence >= PARSE_THRESHOLD && !tied) {
    const alternatives = readings.slice(1).filter((r) => r.command.intent !== best.command.intent && r.confidence >= 0.3).flatMap((r) => alternativeOf(r, ref.now));
    return {
      ...best.command,
      confidence: round(best.confidence),
      requiredPermission: permissionFor(best.command),
      preview: previewOf(best.command, ref.now),
      alternatives: alternatives.slice(0, 3),
    } as ParseResult;
  }
  const alternatives = readings.filter((r) => r.confidence >= 0.3).flatMap((r) => alternativeOf(r, ref.now)).slice(0, 4);
  return {
    intent: 'unknown',
    slots: {},
    confidence: round(best?.confidence ?? 0),
    requiredPermission: null,
    preview: alternatives.length > 0 ? `Not sure what you mean: ${alternatives[0]!.text}` : 'Not understood; type "help" for what you can ask.',
    alternatives,
  };
}

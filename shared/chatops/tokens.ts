import { wordTable } from './word-table.ts';
/**
 * Words of a chat line with their place in it, so that free text (a comment, a note) can be
 * cut out of the original with its case and punctuation intact.
 */
export interface Token {
  /** As typed. */
  raw: string;
  /** Lower case, surrounding punctuation removed (`#7` keeps its `#`). */
  norm: string;
  start: number;
  end: number;
  /** The word ended with `:` ("note on 7: …"). */
  colon: boolean;
}

const LEADING = /^[("'`“‘[{<!]+/;
/** An emoticon as typed: "<3", ":)", ";-)", ":(", ":D", ":P", "xD", "^^", "^_^", "-_-". */
export const EMOTICON = /^(?:<\/?3+|[:;=][-o^']?[)(\][dpo/\\|*$@]+|x-?d+|\^_?\^|-_-|t_t|:'\()$/i;
const TRAILING = /[)"'`”’\]}>,.!?;:%]+$/;

/** An order's verb glued to the id it acts on ("ack12", "ack#12", "resolve7"). */
const GLUED_ID = /^(ack|acknowledge|resolve|reopen|mitigate|close|unsilence|expire)(#?\d{1,9})$/;

/**
 * "*ack 12*", "_ack 12_": a whole line in Slack's bold or italics, read as its words. (Not
 * "~ack 12~": struck through, it is taken back, and stays unread.) So is a whole line in a code
 * block ("```ack 12 rolling back```": its closing fence was kept in the comment), and Slack's
 * "(edited)" at the end of a message copied from the channel is its label, not the writer's words
 * (it was the ack's comment).
 */
export function withoutMarkup(text: string): string {
  let out = text.replace(EDITED, '').replace(TRAILING_BOT_MENTION, '');
  // ("~restart nginx on web-1~ ack 12": what is struck through is taken back, and the rest is what is said; the restart was
  // planned at 0.61. A line struck through whole stays unread, as before.)
  const unstruck = out.includes('~') ? out.replace(STRUCK_PART, '$1').replace(/\s{2,}/g, ' ').trim() : out;
  if (unstruck !== out && /[a-z0-9]/i.test(unstruck)) out = unstruck;
  for (let m = MARKUP.exec(out) ?? FENCED.exec(out); m; m = MARKUP.exec(out) ?? FENCED.exec(out)) out = m[2]!.trim();
  // ("*ack 12* investigating", "_silence web-1_ for 1h": part of a line in bold or italics is its words too; "*ack" was no verb.)
  return out.replace(PART_MARKUP, '$1$3');
}
/** ("ack 12 <@U123ABC>", "ack 12 @smartcloudops": chat's own mention ending an order is whom it is said to, no comment.) */
const TRAILING_BOT_MENTION = /(?<!\b(?:cc|cc:|to|for|by|with|ping|ask|tell|and|from)\s*)\s+(?:<@[A-Z0-9]+(?:\|@?(?:smartcloudops|smart-cloud-ops|opsbot|ops-bot|chatops|chatbot))?>|@(?:smartcloudops|smart-cloud-ops|opsbot|ops-bot|chatops|chatbot))[\s.!]*$/i;
const PART_MARKUP = /(^|\s)([*_])([^\s*_](?:[^*_\n]*[^\s*_])?)\2(?=$|[\s,.;:!?])/g;
const MARKUP = /^([*_])(\S(?:.*\S)?)\1$/s;
const FENCED = /^(```)((?:(?!```)[\s\S])+)```$/;
const EDITED = /\s+\(edited\)\s*$/i;
// (Only with words after it, which say what is meant instead: "ack 12 ~wrong~" keeps its comment as typed.)
const STRUCK_PART = /(^|\s)~[^~\s](?:[^~\n]*[^~\s])?~(?=[,.;:!?]*\s+\S)/g;

const EMPHASIS = /^([*_])([^*_]+)\1$/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    // ("ack 12⏎restart nginx on web-1": a line break ends a clause as a ";" does; the text itself is kept as typed.)
    const endsLine = text.charAt(match.index + match[0].length) === '\n' || text.charAt(match.index + match[0].length + 1) === '\n';
    // (Only a word that could be a decimal with its comma looks at the next word: slicing the rest of the line for every word cost.)
    const unitAfter = DECIMAL_COMMA.test(match[0]) && UNIT_AFTER.test(text.slice(match.index + match[0].length, match.index + match[0].length + 12));
    for (const [typed, start] of commaParts(match[0], match.index, unitAfter)) {
      const raw = endsLine && start + typed.length === match.index + match[0].length && (!/[;,.:!?]$/.test(typed) || /^:[\w+-]+:$/.test(typed)) ? `${typed};` : typed;
      // ("ack *12*", "restart nginx on _web-1_": one word in Slack's bold or italics is that word.)
      // ("ack 12 <3", "ack 12 :(": an emoticon is a reaction, kept whole; "<3" was read as alert 3, ":(" as a comment "(".)
      const norm = EMOTICON.test(raw.replace(/[,;.!]+$/, '')) ? raw.toLowerCase().replace(/[,;.!]+$/, '') : raw.toLowerCase().replace(/[’‘]/g, "'").replace(LEADING, '').replace(TRAILING, '').replace(EMPHASIS, '$2');
      // ("restart nginx on web-1 ?", "ack 12 ??": a question mark typed apart is the word before it asked; it was dropped, and the line ordered.)
      if (norm === '') {
        const prev = tokens.at(-1);
        if (prev && raw.includes('?') && !prev.raw.endsWith('?')) tokens[tokens.length - 1] = { ...prev, raw: `${prev.raw.replace(/;$/, '')}?` };
        continue;
      }
      // "ack12", "resolve#7": an order's verb typed against its id is the two words.
      const glued = GLUED_ID.exec(norm);
      if (glued && raw.toLowerCase().startsWith(glued[1]!)) {
        const verb = raw.slice(0, glued[1]!.length);
        tokens.push({ raw: verb, norm: glued[1]!, start, end: start + verb.length, colon: false });
        tokens.push({ raw: raw.slice(verb.length), norm: glued[2]!, start: start + verb.length, end: start + typed.length, colon: raw.endsWith(':') });
        continue;
      }
      // (":thumbsup:", a Slack emoji, ends with its own colon, not one that starts free text.)
      // ("mute web-1 n web-2", "ack 12 n 13", "rock 'n' roll": chat's "n" is "and"; it silenced alerts named "n".)
      tokens.push({ raw, norm: AND_WORDS.has(norm) ? 'and' : norm, start, end: start + typed.length, colon: raw.endsWith(':') && !/^:[\w+-]+:$/.test(raw) });
    }
  }
  return tokens;
}

/** A decimal with its comma ("2,5"), and a unit of time as the next word ("2,5 hours"). */
const DECIMAL_COMMA = /^\d+,\d$/;
const UNIT_AFTER = /^\s+(?:h|hrs?|hours?|m|mins?|minutes?|d|days?)\b/i;

/** Chat's ways of typing "and". */
const AND_WORDS = new Set(['n', "'n'", "'n", "n'"]);

/**
 * "db-1,db-2", "12,13": a list written without spaces is words, each keeping its comma, as
 * if spaced. A matcher ("host=~a,b"), where the comma is the value's own, and a number
 * with thousands separators ("1,000") stay whole.
 */
function commaParts(raw: string, at: number, unitAfter: boolean): [string, number][] {
  // ("1,5h": a length with a decimal comma, one word; "2,5 hours" too, its unit the next word: it was 5 hours.)
  if (!/,[^\s,]/.test(raw) || raw.includes('=') || /^\d{1,3}(,\d{3})+[.,;:!?]*$/.test(raw) || /^\d+,\d+(?:h|hrs?|m|mins?|d|s)[.,;:!?]*$/i.test(raw) || (unitAfter && DECIMAL_COMMA.test(raw))) return [[raw, at]];
  const parts: [string, number][] = [];
  for (const m of raw.matchAll(/[^,]+,*|,+/g)) parts.push([m[0], at + m.index]);
  return parts;
}

/**
 * Two-word verbs read as the one word a runbook action or the lexicon knows ("fail over" =
 * "failover", "roll back" = "rollback"): one token spanning both, so free text cut from
 * the line keeps both words as typed.
 */
const PHRASAL: Readonly<Record<string, string>> = wordTable({
  'fail over': 'failover', 'roll back': 'rollback', 'clean up': 'cleanup', 'switch over': 'switchover', 'kick off': 'run',
  'free up': 'free', 'clear out': 'clear', 'clean out': 'clean',
  // ("take back the ack on 12": the acknowledgement withdrawn.)
  'take back': 'retract',
  // ("un mute 4", "un silence 4": the opposite of the verb, its prefix typed apart.)
  'un mute': 'unmute', 'un silence': 'unsilence', 'un snooze': 'unsnooze',
});

export function mergePhrasalVerbs(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const next = tokens[i + 1];
    const merged = next ? PHRASAL[`${tokens[i]!.norm} ${next.norm}`] : undefined;
    if (merged && next) {
      out.push({ raw: `${tokens[i]!.raw} ${next.raw}`, norm: merged, start: tokens[i]!.start, end: next.end, colon: next.colon });
      i++;
    } else out.push(tokens[i]!);
  }
  return out;
}

/** `12`, `#12` → 12; anything else → null. */
export function idOf(token: Token | undefined): number | null {
  const m = token ? /^#?(\d{1,9})$/.exec(token.norm) : null;
  return m ? Number(m[1]) : null;
}

/** The text from a token to the end of the line, as typed, without a leading `:` or `-`. */
export function restOf(text: string, tokens: readonly Token[], from: number): string {
  const first = tokens[from];
  if (!first) return '';
  // (The colon of a Slack emoji's code is its own: "ack 12 :eyes: looking" has the comment ":eyes: looking", not "eyes: looking".)
  return text.slice(first.start).replace(/^(?:[\s–—-]|:(?![a-z0-9_+'-]+:))+/i, '').trim();
}

/** Letters and digits only: `web-1`, `Web_1` and `web1` share the key `web1`. */
export function compactKey(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Chat's shorthand for the little words the whole-line phrases are written with ("r u there", "r we good", "what can u
 * do", "hey @smartcloudops"): those phrases are matched as typed, so "u", "r", "ur" and the "@" of a mention of the bot
 * kept them from matching, and the line was answered "Not understood". Only whole words change; the line is lower case.
 */
const SHORT_WORDS: ReadonlyMap<string, string> = new Map([
  ['u', 'you'],
  ['ya', 'you'],
  ['r', 'are'],
  ['ur', 'your'],
]);

/** The bot's names a mention may use; "@here" and "@bob" are left alone. */
const BOT_MENTION = /(^|\s)@(smartcloudops|bot|ops)\b:?/g;

export function withoutShorthand(lower: string): string {
  return lower.replace(BOT_MENTION, '$1$2').replace(/(?<![\w@'-])[a-z]+(?![\w'-])/g, (word) => SHORT_WORDS.get(word) ?? word);
}

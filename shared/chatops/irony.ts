/**
 * Orders said in irony, which mean the opposite ("sure, let's just restart prod", "yeah let's just reboot db-1 what could go
 * wrong", "oh great, let's restart nginx on web-1 again", "yeah right, ack 12"): sarcasm at 3 am is how an on-call engineer
 * says "don't". Read as words (`Token.norm`), before any comment's marker. "let's just ack 12", "sure, ack 12" and "ok just
 * ack 12" stay orders: irony needs the assent and the "just", or one of the phrases that only irony says.
 */

/** Phrases that say an order is not meant, wherever they stand ("… what could possibly go wrong"). */
const IRONIC_PHRASES: readonly (readonly string[])[] = [
  'what could go wrong', 'what could possibly go wrong', 'what can go wrong', 'what can possibly go wrong', "what's the worst that could happen",
  'whats the worst that could happen', 'what is the worst that could happen', 'yeah right', 'yea right', 'famous last words', 'said no one ever',
].map((phrase) => phrase.split(' '));

/** Assent that leads an ironic order ("sure, let's just …", "great idea, let's just …", "oh sure, just …"). */
const MOCK_ASSENT: ReadonlySet<string> = new Set(['sure', 'yeah', 'yea', 'yes', 'great', 'right', 'totally', 'brilliant', 'genius', 'perfect', 'awesome', 'fantastic', 'idea', 'plan', 'absolutely', 'why', 'not']);

/** Whether the words say the order in irony. */
export function saidInIrony(words: readonly string[]): boolean {
  if (IRONIC_PHRASES.some((phrase) => words.some((_, i) => phrase.every((p, k) => words[i + k] === p)))) return true;
  let at = words[0] === 'oh' || words[0] === 'ah' ? 1 : 0;
  const exclaimed = at === 1;
  const assentFrom = at;
  while (at < assentFrom + 3 && MOCK_ASSENT.has(words[at] ?? '')) at++;
  if (at === assentFrom) return false;
  // ("sure, let's just restart prod": the assent, then "let's just"; "oh sure, just restart payments-api", "oh great, let's
  // restart nginx again": an exclaimed assent, then "just" or "let's".)
  const lets = words[at] === "let's" || words[at] === 'lets' || (words[at] === 'let' && words[at + 1] === 'us');
  const after = lets ? words[at + (words[at] === 'let' ? 2 : 1)] : words[at];
  return (lets && after === 'just') || (exclaimed && (lets || after === 'just'));
}

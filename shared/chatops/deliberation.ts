import { orderOfGerund } from './polite-gerunds.ts';

/**
 * A question of whether to do something, asked of the channel ("should we page bob about 7?", "do you think we should
 * restart nginx?", "is it worth silencing web-1?", "would it make sense to ack 12?"): not an order. The order it weighs
 * is read alone and offered, never done, and a question it turns out to be ("is it worth checking web-1?") is answered.
 * ("should we page bob about 7" listed the alerts around 7 o'clock; "is it worth silencing web-1" and "do you think we
 * should restart nginx" were not understood.)
 */
const LEAD = new RegExp([
  String.raw`^(?:(?:so|ok|okay|hmm+|guys|team|folks|hey|q)[,:\s]+)*`,
  '(?:',
  [
    String.raw`(?:do|d'?you|did)\s+(?:you|u|we|y'?all|ya|you\s+guys)\s+(?:think|reckon|feel)\s+(?:that\s+)?(?:we|i|someone|one)\s+(?:should|ought\s+to|need\s+to|could|can)`,
    String.raw`(?:should|shall|shld|shd)\s+(?:we|i|someone)`,
    String.raw`(?:is|isn'?t|would|wouldn'?t)\s+it\s+(?:be\s+)?(?:worth(?:\s+it)?|wise|smart|sensible|safe|better|a\s+(?:good|bad)\s+idea|ok|okay|fine|reasonable)(?:\s+to)?`,
    String.raw`(?:would|does|will)\s+it\s+(?:make\s+sense|help)\s+to`,
    String.raw`(?:any|is\s+there\s+(?:any|a))\s+(?:point|sense|reason)\s+(?:in|to)`,
    String.raw`worth`,
  ].join('|'),
  String.raw`)\s+(.+?)[\s?!.]*$`,
].join(''), 'i');

/** -ing forms of verbs that are no order's but are asked about ("is it worth paging bob", "worth checking web-1"). */
const OTHER_GERUNDS: Readonly<Record<string, string>> = { paging: 'page', checking: 'check', escalating: 'escalate', notifying: 'notify', calling: 'call', waking: 'wake', looking: 'look', showing: 'show' };

/** The order a question of whether to act weighs ("restart nginx" for "do you think we should restart nginx?"), or null. */
export function deliberatedOrder(text: string): string | null {
  const asked = LEAD.exec(text);
  if (!asked) return null;
  // ("is it ok if I ack 12": leave asked, under a condition; read as it is.)
  if (/^(?:if|when|whether|that|once|because)\b/i.test(asked[1]!)) return null;
  // ("should I go ahead and ack 12", "should we just restart nginx": the order is what follows.)
  const order = asked[1]!.replace(/^(?:(?:go\s+ahead\s+and|just|also|now|then|try\s+(?:to|and)|actually)\s+)+/i, '').replace(/[\s,]+(?:or\s+not|or\s+no|or\s+nah|y\/n|yes\s+or\s+no)$/i, '');
  // ("is it worth silencing web-1": the -ing form of the order's verb is the order.)
  const first = /^\S+/.exec(order)![0];
  const verb = orderOfGerund(first) ?? OTHER_GERUNDS[first.toLowerCase()] ?? null;
  return verb === null ? order : `${verb}${order.slice(first.length)}`;
}

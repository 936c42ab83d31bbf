/**
 * A message written as a list, two or more of its lines led by a list's marker ("1. ack 12⏎2. silence web-1 for 1h", "- ack
 * 12⏎- restart nginx on web-1", "• …", "2) …"): each item is a line of its own, read without its marker, so two orders are two
 * commands, asked one at a time, as two lines without markers are. The markers were read as the first line's comment ("2.
 * silence web-1 for 1h"), or its marker ("- …"): alert 12 was acknowledged and the silence dropped. One line led by a marker
 * is left as typed ("- rolling back" after an order is its comment).
 */
const ITEM = /^([ \t]*)(?:\d{1,2}[.)]|[-*•‣◦])[ \t]+(?=\S)/gm;

export function listItemsRead(text: string): string {
  if (!text.includes('\n')) return text;
  const items = text.match(ITEM);
  return items === null || items.length < 2 ? text : text.replace(ITEM, '$1');
}

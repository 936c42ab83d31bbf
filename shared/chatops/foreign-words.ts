import type { Token } from './tokens.ts';
import { wordTable } from './word-table.ts';

/**
 * The little words of when and how long in the languages on-call chat mixes into English ("silence web-1 für 2 stunden",
 * "mute db-2 bis morgen", "silence web-1 pendant 1h", "silenciar web-1 por una hora"), read as their English, so a
 * silence's length and end are read: "stunden" became an alert's name and the silence the default hour, "bis morgen"
 * the same. Only words that no alert or host is likely to be named; the rest of a foreign sentence stays unread.
 */
const ENGLISH: Readonly<Record<string, string>> = wordTable({
  // German
  für: 'for', fuer: 'for', bis: 'until', morgen: 'tomorrow', heute: 'today', stunde: 'hour', stunden: 'hours', minuten: 'minutes', tage: 'days', eine: 'an',
  // Spanish
  durante: 'for', hasta: 'until', mañana: 'tomorrow', hoy: 'today', hora: 'hour', horas: 'hours', minutos: 'minutes', dias: 'days', días: 'days', una: 'an',
  // French
  pendant: 'for', jusqu: 'until', "jusqu'à": 'until', "jusqu'a": 'until', demain: 'tomorrow', "aujourd'hui": 'today', heure: 'hour', heures: 'hours', jours: 'days', une: 'an',
});
/** Articles read as "an" only before a unit ("una hora"): "una" alone may be anything. */
const ARTICLES = new Set(['eine', 'una', 'une']);
const UNITS = new Set(['hour', 'hours', 'minutes', 'days']);

export function foreignWordsRead(tokens: readonly Token[]): Token[] {
  return tokens.map((token, i) => {
    const english = ENGLISH[token.norm];
    if (english === undefined) return token;
    if (ARTICLES.has(token.norm) && !UNITS.has(ENGLISH[tokens[i + 1]?.norm ?? ''] ?? '')) return token;
    return { ...token, norm: english };
  });
}

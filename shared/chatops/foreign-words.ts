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
  // Portuguese ("silencia web-1 até amanhã", "por uma hora")
  até: 'until', amanhã: 'tomorrow', amanha: 'tomorrow', hoje: 'today', uma: 'an',
  // French
  // ("silence web-1 pour une heure": it silenced alerts named "pour" for the default hour.)
  pour: 'for', pendant: 'for', jusqu: 'until', "jusqu'à": 'until', "jusqu'a": 'until', demain: 'tomorrow', "aujourd'hui": 'today', heure: 'hour', heures: 'hours', jours: 'days', une: 'an',
});

/**
 * Orders' verbs and nouns in the same languages ("acquitte l'alerte 12", "bitte Alarm 12 bestaetigen", "reinicia nginx en
 * web-1", "silencia web-1 por una hora", "reconhece o alerta 12"), read as their English, so a whole sentence said so is
 * read as the order it is, or asked about with it; they were not understood. Only forms no host or alert is named by;
 * an infinitive is read as the verb ("bestätigen"), as chat's own orders are said in the imperative.
 */
const ORDER_WORDS: Readonly<Record<string, string>> = wordTable({
  // German
  bestätigen: 'ack', bestaetigen: 'ack', bestätige: 'ack', bestaetige: 'ack', quittieren: 'ack', quittiere: 'ack', quittier: 'ack',
  stummschalten: 'mute', stummschalte: 'mute', neustarten: 'restart', 'neu-starten': 'restart', starte: 'restart', lösen: 'resolve', schließen: 'close',
  // ("kannst du 12 acken", "bitte 12 acken": English's verb with German's ending, as German on-call chat says it; unread.)
  acken: 'ack', acke: 'ack', kannst: 'can', könntest: 'could', koenntest: 'could', du: 'you', sie: 'you',
  schliessen: 'close', schließe: 'close', schliesse: 'close', alarm: 'alert', alarme: 'alerts', vorfall: 'incident', bitte: 'please', auf: 'on', den: 'the', die: 'the', das: 'the',
  // Spanish and Portuguese
  reconocer: 'ack', reconoce: 'ack', reconozca: 'ack', reconhecer: 'ack', reconhece: 'ack', reconheça: 'ack', reconheca: 'ack',
  silenciar: 'silence', silencia: 'silence', silencie: 'silence', reiniciar: 'restart', reinicia: 'restart', reinicie: 'restart',
  resolver: 'resolve', resuelve: 'resolve', resolve: 'resolve', cerrar: 'close', cierra: 'close', fechar: 'close', fecha: 'close',
  alerta: 'alert', alertas: 'alerts', alarma: 'alert', incidente: 'incident', en: 'on', em: 'on', no: 'on', por: 'for', el: 'the', la: 'the', o: 'the', a: 'the', favor: 'please',
  // French
  acquitter: 'ack', acquitte: 'ack', acquittez: 'ack', "l'alerte": 'alert', alerte: 'alert', alertes: 'alerts', "l'incident": 'incident',
  redémarrer: 'restart', redémarre: 'restart', redémarrez: 'restart', redemarrer: 'restart', redemarre: 'restart', redemarrez: 'restart',
  résoudre: 'resolve', résous: 'resolve', résolvez: 'resolve', resoudre: 'resolve', fermer: 'close', ferme: 'close', fermez: 'close',
  sur: 'on', le: 'the', les: 'the', svp: 'please', stp: 'please',
});
/** A foreign verb or noun of an order: read as one only on a line that has one ("no", "a", "en" are English words too). */
const ORDER_VERBS = new Set(['ack', 'mute', 'restart', 'resolve', 'close', 'silence']);
/** Little words of the sentence around the order ("bitte", "en", "sur"): read only with a foreign order's word on the line. */
const LITTLE = new Set(['please', 'on', 'the', 'for']);

/** The foreign words of an order read as their English, when a foreign verb of one is said; the line as typed otherwise. */
function foreignOrderRead(tokens: readonly Token[]): readonly Token[] {
  if (!tokens.some((t) => ORDER_VERBS.has(ORDER_WORDS[t.norm] ?? '') && !ORDER_VERBS.has(t.norm))) return tokens;
  return tokens.map((token) => {
    const english = ORDER_WORDS[token.norm];
    // ("reinicie o nginx no web-1": a short little word is read only before another word; "… no" ending a line takes it back.)
    return english === undefined || english === token.norm || (LITTLE.has(english) && token.norm.length <= 2 && token === tokens.at(-1)) ? token : { ...token, norm: english };
  });
}

/**
 * "bitte web-1 für 1 stunde stummschalten", "Alarm 12 bestätigen": German says the verb last; the line is read with it
 * first, as an order is said in English. The line as typed when it ends with no foreign order's verb.
 */
export function foreignVerbFirst(typed: string): string {
  // ("bitte nginx auf web-1 neu starten": the separable verb said last in two words is the one; it was unread.)
  const text = typed.replace(/\bneu\s+starten([.!]*)$/i, 'neustarten$1');
  const last = /(\S+?)[.!]*$/.exec(text);
  const word = last?.[1]?.toLowerCase() ?? '';
  if (!ORDER_VERBS.has(ORDER_WORDS[word] ?? '') || ORDER_VERBS.has(word) || last!.index === 0) return foreignNegationFirst(typed);
  return foreignNegationFirst(`${last![1]} ${text.slice(0, last!.index).trim()}`);
}

/** "nicht", "pas", "não": the negation of an order said in another language, wherever the language puts it. */
const FOREIGN_NEGATIONS = /(?:^|\s)(?:nicht|nie|niemals|kein|keine|pas|jamais|não|nao|nunca|ni)(?=$|[\s,.!?])/i;

/**
 * "12 nicht acken", "Alarm 12 bitte nicht bestätigen", "ne redémarre pas nginx sur web-1", "não reinicia nginx": an order's
 * foreign verb with its language's negation, wherever the language puts it, is a "do not", as "don't ack 12" is; the
 * negation is said first so the mood reads it. ("12 nicht acken" acknowledged 12 with the comment "nicht".)
 */
function foreignNegationFirst(text: string): string {
  if (!FOREIGN_NEGATIONS.test(text)) return text;
  const words = text.toLowerCase().split(/\s+/).map((w) => w.replace(/[.,!?]+$/, ''));
  return words.some((w) => ORDER_VERBS.has(ORDER_WORDS[w] ?? '') && !ORDER_VERBS.has(w)) ? `don't ${text}` : text;
}

/** Articles read as "an" only before a unit ("una hora"): "una" alone may be anything. */
const ARTICLES = new Set(['eine', 'una', 'une']);
const UNITS = new Set(['hour', 'hours', 'minutes', 'days']);

export function foreignWordsRead(typed: readonly Token[]): Token[] {
  const tokens = foreignOrderRead(typed);
  return tokens.map((token, i) => {
    const english = ENGLISH[token.norm];
    if (english === undefined) return token;
    if (ARTICLES.has(token.norm) && !UNITS.has(ENGLISH[tokens[i + 1]?.norm ?? ''] ?? '')) return token;
    return { ...token, norm: english };
  });
}

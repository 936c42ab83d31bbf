import type { Intent } from '../intents.ts';
import { verbOf } from '../lexicon.ts';
import { leadingVerb, type Rule } from './kit.ts';
import { withoutShorthand } from '../shorthand.ts';

const TOPICS: [RegExp, Exclude<Intent, 'help' | 'unknown'>][] = [
  [/\b(unsilence|unmute|expire)\b/, 'silence.expire'],
  [/\b(silenc\w*|mute|snooze)\b/, 'silence.create'],
  [/\b(un-?ack\w*)\b/, 'alert.unack'],
  [/\b(ack\w*)\b/, 'alert.ack'],
  [/\b(notes?|annotate)\b/, 'incident.note'],
  [/\b(resolve|close|mitigate|reopen)\b/, 'incident.status'],
  [/\b(assign|commander|ic|take command)\b/, 'incident.assign'],
  [/\b(incidents?)\b/, 'incident.show'],
  [/\b(anomal\w*|why|explain)\b/, 'anomaly.explain'],
  [/\b(list|which|what) (the )?runbooks\b/, 'runbooks.list'],
  [/\b(runbooks?|restart|run)\b/, 'runbook.run'],
  [/\balerts? #?\d+\b/, 'alert.show'],
  [/\b(alerts?|firing)\b/, 'alerts.list'],
  [/\b(metrics?|charts?|graphs?|cpu|memory)\b/, 'metrics.show'],
];

/**
 * Questions about the bot itself ("what are you", "are you a bot", "are you an AI", "what's your name", "who made you", "what
 * is this", "do you speak german", "are you alive"): answered with what it is and can do, as "who are you" is; they were
 * not understood.
 */
const ABOUT_THE_BOT = /^(?:hey |hi |so )?(?:what are you|what is this( thing| bot)?|is this (?:a )?bot|are you (?:a |an )?(?:bot|human|person|real|ai|robot|alive|awake|working|chatgpt|gpt|llm|language model)|what'?s your name|what is your name|who (?:made|built|wrote|owns|runs) you|do you speak \w+|what version are you|which version are you)[?!.]*$/;

export const helpRule: Rule = (line) => {
  const lower = withoutShorthand(line.text.toLowerCase().trim());
  // A greeting alone ("hi", "hello bot") is answered with what can be asked.
  // ("ping", "are you there", "test": is anyone listening — answered the same way.)
  const phrase = /^(what can (i|you) (do|ask|say)|what do you (do|understand|know)|how do (i|you) use( this| you)?|what are (the|your) commands|\?+|(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening))( there)?( (bot|smartcloudops|ops))?[!.]*|ping|test(ing)?|(are )?you there|(is )?any(one|body) (there|home)|who are you|what is smartcloudops)\??$/.test(lower) || ABOUT_THE_BOT.test(lower);
  // "how do I silence an alert?", "how to ack", "what does ack do", "what can I ask about incidents": a question about a command.
  const howTo = /^(?:how (?:do|can|should|would) (?:i|we|you|one) |how to |what (?:does|do|is) (?:an? |the )?|what can (?:i|we) (?:ask|do|say) (?:about|with) )(.+?)\??$/.exec(lower);
  const howTopic = howTo ? TOPICS.find(([re]) => re.test(howTo[1]!))?.[1] : undefined;
  if (howTopic && (!lower.startsWith('what') || /\b(do|mean|about|with)\b/.test(lower))) return { command: { intent: 'help', slots: { topic: howTopic } }, confidence: 1 };
  const found = leadingVerb(line.tokens, (n) => verbOf(n, 'help'), 2);
  // A near miss counts only as the line's first word ("halp", "comands"): further in, "commander" is its own word.
  // ("who commands incident 7" asks who, not for the commands.)
  // ("disk usage /var on db-1", "inode usage on db-1": the usage of something, not how to use the bot.)
  const ofSomething = found !== null && found.at > 0 && line.tokens[found.at]!.norm === 'usage';
  const verb = found && !ofSomething && (found.score === 1 || found.at === 0) && !['who', 'whom', 'which'].includes(line.tokens[0]?.norm ?? '') ? found : null;
  if (!phrase && !verb) return null;
  const rest = verb ? line.tokens.slice(verb.at + 1).map((t) => t.norm).join(' ') : '';
  const topic = TOPICS.find(([re]) => re.test(rest))?.[1];
  return { command: { intent: 'help', slots: topic ? { topic } : {} }, confidence: phrase ? 1 : verb!.score * (rest === '' || topic ? 1 : 0.9) };
};

import { describe, expect, it } from 'vitest';
import { moodOf, orderAfterContext, reportedOrderAt } from './mood.ts';
import { tokenize } from './tokens.ts';

const mood = (text: string) => moodOf(tokenize(text));

describe('the mood of a chat line', () => {
  it('reads orders, polite ones included', () => {
    for (const text of ['restart nginx on web-1', 'please ack 12', 'can you restart nginx', 'could we silence web-1 for 1h', 'will you ack 12', 'ack 12 done soon, rolling back', 'can you restart nginx on web-1?', 'ack 12 - load is fine', 'please ack 12, will update when done', 'restart web-1 then we are done', 'mark incident 7 as mitigated because rollback done', 'set incident 7 to resolved - all fine', 'incident 7 mitigated because failover done']) expect(mood(text), text).toBe('order');
  });

  it('reads questions, negations and reports, which order nothing', () => {
    for (const text of ['did anyone restart web-1', 'is incident 7 resolved', 'who silenced web-1', 'should we restart nginx', 'can web-1 be restarted', 'status of the restart', 'when was 12 acked', 'restart web-1?', 'we should restart nginx', 'maybe flush the cache']) expect(mood(text), text).toBe('question');
    for (const text of ["don't restart web-1", 'do not silence db-2', 'never restart db-1', "please don't ack 12", 'no silence on web-1']) expect(mood(text), text).toBe('negated');
    // A condition: chat acts at once or not at all.
    for (const text of ['if web-1 is still down restart it', 'restart nginx on web-1 if it is still down', 'ack 12 if nobody has', 'when web-1 recovers, resolve 7', 'once the deploy finishes restart nginx', 'unless someone objects, restart nginx', 'in case db-1 fails, failover the db cluster']) expect(mood(text), text).toBe('conditional');
    for (const text of ['ack 12 - if it fires again page me', 'ack 12 checking if it is the deploy', 'when did 12 fire', 'note on 7: restart if it recurs']) expect(mood(text), text).not.toBe('conditional');
    for (const text of ['db-2 failover done', 'web-1 restart complete', 'the cache flush worked', 'db-2 failover done - all fine']) expect(mood(text), text).toBe('report');
  });

  it('reads how something is done, a quote, a correction and an order asked of others as no order (round 4)', () => {
    for (const text of ['show me how to ack 12', 'can you show me how to restart nginx on web-1', 'i reckon we ack 12', 'want me to ack 12', "who's acking 12"]) expect(mood(text), text).toBe('question');
    for (const text of ['bob said ack 12', 'alice asked me to ack 12', 'ask bob to ack 12']) expect(mood(text), text).toBe('quoted');
    for (const text of ['ack 12 no wait 13', 'ack 12 sorry i meant 13', 'ack 12 actually 13']) expect(mood(text), text).toBe('corrected');
    for (const text of ['someone ack 12 pls', 'let bob ack 12']) expect(mood(text), text).toBe('addressed');
    for (const text of ['ack 12 - customer said it is fine', 'silence web-1 for 1h while we wait', 'let me ack 12', 'as bob said, ack 12']) expect(mood(text), text).toBe('order');
  });

  it('reads a negation said before the verb ("let\'s not restart", "stop, don\'t ack 12", "hold off on …")', () => {
    for (const text of ['ack 12 nvm', 'silence web-1 for 1h jk', 'ack 12 - actually no', 'restart nginx on web-1... actually never mind', 'nobody ack 12']) expect(mood(text), text).toBe('negated');
    for (const text of ['rollback or not', 'restart nginx on web-1, yes or no']) expect(mood(text), text).toBe('question');
    for (const text of ["let's not restart web-1 yet", "stop, don't ack 12", 'hold off on restarting web-1', 'no need to ack 12', 'ok do not silence db-2']) expect(mood(text), text).toBe('negated');
    // After the verb, a "not" is the comment's or a state's: "ack 12 not sure why", "alerts not acked" orders nothing either way.
    for (const text of ['ack 12 not sure why', 'silence web-1 for 1h - not needed after 5']) expect(mood(text), text).toBe('order');
  });

  it('reads what someone did as a report: a subject, a passive or an outcome with a verb in the past', () => {
    for (const text of ['i acked 12 already', "we've silenced web-1 for the deploy", 'bob acked 12 an hour ago', 'already acked 12', 'I resolved incident 7', 'incident 7 was resolved yesterday', '12 has been acked', 'we rolled back api', 'the restart failed on web-1', 'restart failed', 'restart of nginx on web-1 failed', 'rollback of api went fine']) expect(mood(text), text).toBe('report');
    // Said alone, or with who did it after: "acked 12" is what was done, not an order (the line is a chat message).
    for (const text of ['acked 12', 'restarted nginx on web-1', 'silenced web-1 for an hour', 'resolved incident 7', 'unacked 12', '12 acked by me', 'web-1 restarted by bob']) expect(mood(text), text).toBe('report');
    // What the speaker is about to do themselves, or meant or tried to: an intention, told apart from a report so the answer
    // fits it ("I'll take incident 7" is an order: incidentAssignRule).
    for (const text of ['about to restart nginx on web-1', "I'm going to silence web-1 for 1h", 'we are going to fail over db-1', 'gonna restart nginx', "i'll ack 12", 'we will restart nginx on web-1', 'I meant to ack 12', 'i tried to restart nginx']) expect(mood(text), text).toBe('intention');
    expect(mood("I'll take incident 7")).toBe('order');
    // A silence, an ack or a run as a thing, said with what it is or did.
    for (const text of ['silence is golden', 'silence expired for web-1', 'the silence on web-1 expired', 'the ack on 12 was a mistake', 'ack was wrong', 'the restart helped', "restart didn't help", 'restart is not needed']) expect(mood(text), text).toBe('report');
    // A participle that describes, or an order that starts with its verb, is not one.
    for (const text of ['incident 7 mitigated now', 'incident 7 is resolved', 'show silenced alerts', 'list acked alerts on web-1', 'restart nginx on web-1', 'silence web-1 for 1h because the restart failed', 'resolve 7 - rollback worked', 'silence acked alerts on web-1 for 1h', 'silence the disk alerts on db-2', 'restart the api service on api-1']) expect(mood(text), text).toBe('order');
  });

  it('finds an order after a clause that reports or asks (orderAfterContext)', () => {
    const at = (text: string) => orderAfterContext(tokenize(text));
    expect(at('this ack was wrong, unack 12')).toBe(4);
    expect(at('I acked 12 by mistake, unack 12')).toBe(5);
    expect(at('the rollback failed; rollback api to 4.9')).toBe(3);
    // Not after an order (two commands, asked one at a time), a negation, or a clause that says nothing done.
    expect(at('ack 12, silence web-1 for 1h')).toBeNull();
    expect(at("don't restart web-1, ack 12")).toBeNull();
    // A clause that says how things are is why the order is asked for, not a second command.
    expect(at('the disk on db-1 is full, clear /var/log on db-1')).toBe(6);
    expect(at('web-1 is down, restart nginx on web-1')).toBe(3);
    expect(at('web-1 down, pls restart nginx on web-1')).toBe(2);
    expect(at('web-1 keeps flapping and silence web-1 for 1h')).toBe(4);
    // Not a condition, nor what was done after another report.
    expect(at('if web-1 is still down, restart nginx on web-1')).toBeNull();
    expect(at('acked 12 and silenced web-1')).toBeNull();
    expect(at('cpu on web-1, restart nginx on web-1')).toBeNull();
    expect(at('silence db-1 for 1h, maintenance')).toBeNull();
  });

  it('finds the order a line reports, by its verb in the past (reportedOrderAt)', () => {
    const at = (text: string) => reportedOrderAt(tokenize(text));
    expect(at('acked 12')).toEqual({ at: 0, base: 'ack' });
    expect(at('restarted nginx on web-1')).toEqual({ at: 0, base: 'restart' });
    expect(at('closed inc 7 - false alarm')).toEqual({ at: 0, base: 'close' });
    expect(at('fyi unacked 12')).toEqual({ at: 1, base: 'unack' });
    expect(at('@here we rolled back api')).toEqual({ at: 2, base: 'roll' });
    // A participle that describes what is listed, and an order, report nothing.
    for (const text of ['acked alerts on web-1', 'resolved incidents', 'expired silences', 'silenced critical alerts', 'ack 12', 'restart nginx on web-1']) expect(at(text), text).toBeNull();
  });
});

describe('round 13', () => {
  it('reads an order held back or taken back at its end, after a comment\'s marker or not, as a "do not"', () => {
    // They were done with the words as the comment ("not just yet", "don't").
    for (const text of ['ack 12 not just yet', "ack 12 - don't", "silence web-1 for 1h, don't do it", "restart nginx on web-1 pls don't", 'ack 12 - do not']) expect(mood(text), text).toBe('negated');
    for (const text of ['ack 12 - not yet resolved', "ack 12 - don't page bob"]) expect(mood(text), text).toBe('order');
  });
});

describe('round 13: what may be done, said', () => {
  it('weighs "we can …" and "… can be closed" (they resolved 12); "can we …" stays a polite order', () => {
    for (const text of ['we can close incident 12', 'incident 12 can be closed', '12 could be acked', 'you can ack 12 now']) expect(mood(text), text).toBe('question');
    for (const text of ['can we close incident 12', 'ack 12 - it can be ignored']) expect(mood(text), text).toBe('order');
  });
});

describe('round 13: a supposition', () => {
  it('orders nothing, set off by a comma or not ("hypothetically, ack 12" and "let\'s say we silence web-1 for 1h" were done)', () => {
    for (const text of ['hypothetically, ack 12', "let's say we silence web-1 for 1h", 'in theory, restart nginx on web-1', 'say we ack 12']) {
      expect(mood(text), text).toBe('question');
      expect(orderAfterContext(tokenize(text)), text).toBeNull();
    }
    expect(mood("let's silence web-1 for 1h")).toBe('order');
  });
});

describe('round 13: Slack\'s markup of a mention, pasted', () => {
  it('asks of whom it names ("<@U1|bob> ack 12", "<!here> ack 12" were done); the bot\'s own mention still acts', () => {
    for (const text of ['<@U123ABC|bob> can you ack 12', '<!here> ack 12', '<!channel> ack 12']) expect(mood(text), text).toBe('addressed');
    for (const text of ['<@U0BOT123> ack 12', '<@U0BOT|smartcloudops> ack 12']) expect(mood(text), text).toBe('order');
  });
});

describe('round 14: irony and "should it …"', () => {
  it('reads an order said in irony as none, and "should it …" before what happens as a condition', () => {
    for (const text of ["sure, let's just restart nginx on web-1", "yeah let's just reboot db-1 what could go wrong", 'yeah right, ack 12', "oh great, let's restart nginx on web-1 again", 'oh sure, just restart payments-api', "totally, let's just failover db cluster main"]) expect(mood(text), text).toBe('ironic');
    for (const text of ["let's just ack 12", 'sure, ack 12', 'ok just ack 12', "sure, let's restart nginx on web-1", 'ack 12 - what could go wrong with the deploy is unclear']) expect(mood(text), text).toBe('order');
    for (const text of ['should it fire again, restart nginx on web-1', 'restart nginx on web-1 should it fire again', 'should web-1 flap again restart nginx on web-1', 'should the deploy fail, rollback payments-api to v41']) expect(mood(text), text).toBe('conditional');
    for (const text of ['should we restart nginx on web-1', 'should i ack 12', 'should it be acked?']) expect(mood(text), text).toBe('question');
  });
});

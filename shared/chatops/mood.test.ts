import { describe, expect, it } from 'vitest';
import { moodOf } from './mood.ts';
import { tokenize } from './tokens.ts';

const mood = (text: string) => moodOf(tokenize(text));

describe('the mood of a chat line', () => {
  it('reads orders, polite ones included', () => {
    for (const text of ['restart nginx on web-1', 'please ack 12', 'can you restart nginx', 'could we silence web-1 for 1h', 'will you ack 12', 'ack 12 done soon, rolling back', 'can you restart nginx on web-1?', 'ack 12 - load is fine', 'please ack 12, will update when done', 'restart web-1 then we are done', 'mark incident 7 as mitigated because rollback done', 'set incident 7 to resolved - all fine', 'incident 7 mitigated because failover done']) expect(mood(text), text).toBe('order');
  });

  it('reads questions, negations and reports, which order nothing', () => {
    for (const text of ['did anyone restart web-1', 'is incident 7 resolved', 'who silenced web-1', 'should we restart nginx', 'can web-1 be restarted', 'status of the restart', 'when was 12 acked', 'restart web-1?', 'we should restart nginx', 'maybe flush the cache']) expect(mood(text), text).toBe('question');
    for (const text of ["don't restart web-1", 'do not silence db-2', 'never restart db-1', "please don't ack 12", 'no silence on web-1']) expect(mood(text), text).toBe('negated');
    for (const text of ['db-2 failover done', 'web-1 restart complete', 'the cache flush worked', 'db-2 failover done - all fine']) expect(mood(text), text).toBe('report');
  });
});

import { describe, expect, it } from 'vitest';
import { parseGroupBy } from './group-by.ts';

describe('the group-by list', () => {
  it('reads comma-separated labels and alternatives, spaces ignored', () => {
    expect(parseGroupBy('alertname, service | job')).toEqual({ ok: true, entries: ['alertname', 'service|job'] });
    expect(parseGroupBy(' instance ,')).toEqual({ ok: true, entries: ['instance'] });
  });

  it('says what is wrong with a bad list', () => {
    expect(parseGroupBy(' , ')).toEqual({ ok: false, error: 'Name at least one label' });
    expect(parseGroupBy('alert-name')).toMatchObject({ ok: false, error: expect.stringContaining('"alert-name" is not a label name') });
    expect(parseGroupBy('9lives')).toMatchObject({ ok: false });
    expect(parseGroupBy('service|')).toEqual({ ok: false, error: '"service|" has an empty alternative' });
    expect(parseGroupBy('service, job|service')).toEqual({ ok: false, error: '"service" appears twice' });
    expect(parseGroupBy(Array.from({ length: 11 }, (_, i) => `l${i}`).join(','))).toEqual({ ok: false, error: 'At most 10 entries' });
  });
});

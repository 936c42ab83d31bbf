import { describe, expect, it } from 'vitest';
import { draftErrors, draftOf, exampleGroup, overrideOf } from './grouping-draft.ts';

const DEFAULTS = { groupBy: ['alertname', 'service|job'], windowMinutes: 30, autoResolve: true };

describe('the incident grouping form', () => {
  it('starts from the effective policy and saves only what differs from the defaults', () => {
    const draft = draftOf(DEFAULTS);
    expect(draft).toEqual({ groupBy: 'alertname, service|job', windowMinutes: '30', autoResolve: true });
    expect(draftErrors(draft)).toEqual({});
    expect(overrideOf(draft, DEFAULTS)).toEqual({ groupBy: null, windowMinutes: null, autoResolve: null });
    expect(overrideOf({ groupBy: 'alertname, cluster | region', windowMinutes: ' 45 ', autoResolve: true }, DEFAULTS)).toEqual({ groupBy: ['alertname', 'cluster|region'], windowMinutes: 45, autoResolve: null });
    expect(overrideOf({ ...draft, autoResolve: false }, DEFAULTS)).toEqual({ groupBy: null, windowMinutes: null, autoResolve: false });
  });

  it('says what is wrong before anything is sent', () => {
    expect(draftErrors({ groupBy: '', windowMinutes: '0', autoResolve: true })).toEqual({ groupBy: 'Name at least one label', windowMinutes: expect.stringContaining('from 1 to 10080') });
    expect(draftErrors({ groupBy: 'alertname', windowMinutes: '1.5', autoResolve: true })).toHaveProperty('windowMinutes');
    expect(draftErrors({ groupBy: 'alertname', windowMinutes: '10081', autoResolve: true })).toHaveProperty('windowMinutes');
    expect(draftErrors({ groupBy: 'alert-name', windowMinutes: '5', autoResolve: true }).groupBy).toMatch(/not a label name/);
    expect(() => overrideOf({ groupBy: '', windowMinutes: '5', autoResolve: true }, DEFAULTS)).toThrow();
  });

  it('shows the group an example alert would join, as the server keys it', () => {
    const labels = { alertname: 'HighErrorRate', job: 'api', instance: 'api-1:9100' };
    expect(exampleGroup(['alertname', 'service|job'], labels)).toBe('alertname=HighErrorRate,job=api');
    expect(exampleGroup(['cluster'], labels)).toBe('alertname=HighErrorRate');
  });
});

import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../../../shared/api/alerts.ts';
import { describeCondition, draftErrors, draftOf, EMPTY_DRAFT, inputOf, toggled } from './rule-draft.ts';

const rule: Rule = {
  id: 3,
  name: 'HostCpuHigh',
  selector: 'node_cpu_utilisation_ratio',
  datasourceId: null,
  expr: null,
  condition: { reducer: 'avg', op: '>', threshold: 0.9 },
  windowSeconds: 300,
  forSeconds: 600,
  severity: 'critical',
  labels: { team: 'ops' },
  annotations: { summary: 'CPU {{value}}', runbook_url: 'https://runbooks.example/cpu', note: 'kept' },
  enabled: true,
  createdBy: 'admin',
  createdAt: 1,
  updatedAt: 1,
  lastEvaluatedAt: null,
  lastError: null,
  series: [],
};

describe('rule drafts', () => {
  it('round-trips a rule through the form and says its condition plainly', () => {
    const input = inputOf(draftOf(rule));
    expect(input).toMatchObject({ name: 'HostCpuHigh', selector: 'node_cpu_utilisation_ratio', condition: rule.condition, windowSeconds: 300, forSeconds: 600, severity: 'critical' });
    expect(describeCondition(rule)).toBe('avg over 5 min > 0.9 for 10 min');
    // Turning a rule off keeps everything else, labels and unknown annotations included.
    expect(toggled(rule, false)).toMatchObject({ enabled: false, labels: { team: 'ops' }, annotations: { note: 'kept' } });
  });

  it('says what is wrong before the server does', () => {
    expect(draftErrors(EMPTY_DRAFT)).toMatchObject({ name: expect.any(String), selector: expect.any(String) });
    expect(draftErrors({ ...draftOf(rule), threshold: 'abc', windowSeconds: '0', runbookUrl: 'ftp://x' })).toEqual({
      threshold: 'A number',
      windowSeconds: '1 to 86400 seconds',
      runbookUrl: 'An http(s) address',
    });
    expect(draftErrors(draftOf(rule))).toEqual({});
    expect(draftErrors({ ...draftOf(rule), kind: 'promql' })).toMatchObject({ datasourceId: expect.any(String), expr: expect.any(String) });
  });
});

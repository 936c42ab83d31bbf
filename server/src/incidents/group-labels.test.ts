import { describe, expect, it } from 'vitest';
import { groupLabelsOf } from './grouping.ts';

describe('groupLabelsOf', () => {
  it('takes the first present of each alternative, a label named __proto__ like any other', () => {
    const labels = JSON.parse('{"alertname":"Odd","__proto__":"x","job":"api"}') as Record<string, string>;
    const grouped = groupLabelsOf(labels, { groupBy: ['alertname', 'service|job', '__proto__', 'constructor'] });
    expect(Object.entries(grouped)).toEqual([['alertname', 'Odd'], ['job', 'api'], ['__proto__', 'x']]);
  });
});

import type { RuleCondition } from '../../../../shared/api/alerts.ts';
import { labelValue } from '../../../../shared/metrics/label-value.ts';

/** One value per series from the samples of the evaluation window; null with no samples. */
export function reduce(samples: ReadonlyArray<readonly [number, number]>, reducer: RuleCondition['reducer']): number | null {
  if (samples.length === 0) return null;
  const values = samples.map(([, value]) => value);
  switch (reducer) {
    case 'last':
      return values[values.length - 1]!;
    case 'avg':
      return values.reduce((sum, v) => sum + v, 0) / values.length;
    // A loop, not Math.max(...values): a spread passes every value as an argument, and a
    // window of more than ~120,000 samples (a data source's long series) overflows the stack.
    case 'max':
      return values.reduce((max, v) => (v > max || Number.isNaN(v) ? v : max), -Infinity);
    case 'min':
      return values.reduce((min, v) => (v < min || Number.isNaN(v) ? v : min), Infinity);
  }
}

export function holds(value: number, condition: RuleCondition): boolean {
  switch (condition.op) {
    case '>':
      return value > condition.threshold;
    case '>=':
      return value >= condition.threshold;
    case '<':
      return value < condition.threshold;
    case '<=':
      return value <= condition.threshold;
    case '==':
      return value === condition.threshold;
    case '!=':
      return value !== condition.threshold;
  }
}

/** Fills `{{value}}` and `{{labels.name}}` in annotation templates. */
export function expand(template: string, value: number, labels: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*(value|labels\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}/g, (_match, key: string, label?: string) =>
    label ? labelValue(labels, label) : String(Number.isInteger(value) ? value : Number(value.toFixed(4))),
  );
}

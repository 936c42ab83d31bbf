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
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
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

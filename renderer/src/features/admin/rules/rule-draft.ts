import type { Comparator, Rule, RuleCondition, RuleInput, Severity } from '../../../../../shared/api/alerts.ts';

/** The rule form's state: strings where people type, so a half-typed number is not lost. */
export interface RuleDraft {
  name: string;
  kind: 'selector' | 'promql';
  selector: string;
  datasourceId: string;
  expr: string;
  reducer: RuleCondition['reducer'];
  op: Comparator;
  threshold: string;
  windowSeconds: string;
  forSeconds: string;
  severity: Severity;
  summary: string;
  description: string;
  runbookUrl: string;
  enabled: boolean;
}

export const EMPTY_DRAFT: RuleDraft = {
  name: '',
  kind: 'selector',
  selector: '',
  datasourceId: '',
  expr: '',
  reducer: 'avg',
  op: '>',
  threshold: '0.9',
  windowSeconds: '300',
  forSeconds: '300',
  severity: 'warning',
  summary: '',
  description: '',
  runbookUrl: '',
  enabled: true,
};

export function draftOf(rule: Rule): RuleDraft {
  return {
    name: rule.name,
    kind: rule.datasourceId !== null ? 'promql' : 'selector',
    selector: rule.selector,
    datasourceId: rule.datasourceId !== null ? String(rule.datasourceId) : '',
    expr: rule.expr ?? '',
    reducer: rule.condition.reducer,
    op: rule.condition.op,
    threshold: String(rule.condition.threshold),
    windowSeconds: String(rule.windowSeconds),
    forSeconds: String(rule.forSeconds),
    severity: rule.severity,
    summary: rule.annotations.summary ?? '',
    description: rule.annotations.description ?? '',
    runbookUrl: rule.annotations.runbook_url ?? '',
    enabled: rule.enabled,
  };
}

/** Whole numbers only; null when the text is not one. */
function integer(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** What the server will refuse, said before sending: field → message. */
export function draftErrors(draft: RuleDraft): Partial<Record<keyof RuleDraft, string>> {
  const errors: Partial<Record<keyof RuleDraft, string>> = {};
  if (!/^[A-Za-z_][A-Za-z0-9_:-]*$/.test(draft.name)) errors.name = 'Letters, digits, _ : - (starting with a letter or _)';
  if (draft.kind === 'selector' && draft.selector.trim() === '') errors.selector = 'A metric selector, e.g. node_cpu_utilisation_ratio{host="web-1"}';
  if (draft.kind === 'promql' && draft.datasourceId === '') errors.datasourceId = 'Pick a data source';
  if (draft.kind === 'promql' && draft.expr.trim() === '') errors.expr = 'A PromQL expression';
  if (draft.threshold.trim() === '' || !Number.isFinite(Number(draft.threshold))) errors.threshold = 'A number';
  const window = integer(draft.windowSeconds);
  if (window === null || window < 1 || window > 86_400) errors.windowSeconds = '1 to 86400 seconds';
  const hold = integer(draft.forSeconds);
  if (hold === null || hold > 7 * 86_400) errors.forSeconds = '0 to 604800 seconds';
  if (draft.runbookUrl !== '' && !/^https?:\/\//.test(draft.runbookUrl)) errors.runbookUrl = 'An http(s) address';
  return errors;
}

/** The request body for a valid draft. */
export function inputOf(draft: RuleDraft): RuleInput {
  const annotations: Record<string, string> = {};
  if (draft.summary.trim()) annotations.summary = draft.summary.trim();
  if (draft.description.trim()) annotations.description = draft.description.trim();
  if (draft.runbookUrl.trim()) annotations.runbook_url = draft.runbookUrl.trim();
  const source = draft.kind === 'selector' ? { selector: draft.selector.trim() } : { datasourceId: Number(draft.datasourceId), expr: draft.expr.trim() };
  return {
    name: draft.name,
    ...source,
    condition: { reducer: draft.reducer, op: draft.op, threshold: Number(draft.threshold) },
    windowSeconds: Number(draft.windowSeconds),
    forSeconds: Number(draft.forSeconds),
    severity: draft.severity,
    annotations,
    enabled: draft.enabled,
  };
}

/** A rule as the list says it: `avg over 5 min > 0.9 for 5 min`. */
export function describeCondition(rule: Pick<Rule, 'condition' | 'windowSeconds' | 'forSeconds'>): string {
  const span = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);
  const hold = rule.forSeconds > 0 ? ` for ${span(rule.forSeconds)}` : '';
  return `${rule.condition.reducer} over ${span(rule.windowSeconds)} ${rule.condition.op} ${rule.condition.threshold}${hold}`;
}

/** The same rule with only `enabled` changed, as the PUT body (the API replaces whole rules). */
export function toggled(rule: Rule, enabled: boolean): RuleInput {
  return { ...inputOf(draftOf(rule)), labels: rule.labels, annotations: rule.annotations, enabled };
}

import { HighlightStyle } from '@codemirror/language';
import { tags } from '@lezer/highlight';

/**
 * Token colours for the PromQL grammar's tags. Each is a variable with one shade per theme
 * (app/global.css), chosen for 4.5:1 contrast on that theme's body: one mid-tone palette
 * for both failed axe on the light theme (orange and green labels and strings at ~2.3:1).
 */
export const promqlHighlight = HighlightStyle.define([
  { tag: tags.function(tags.variableName), color: 'var(--sco-promql-function)' },
  { tag: tags.variableName, color: 'var(--mantine-color-text)' },
  { tag: tags.labelName, color: 'var(--sco-promql-label)' },
  { tag: tags.string, color: 'var(--sco-promql-string)' },
  { tag: tags.number, color: 'var(--sco-promql-number)' },
  { tag: [tags.operatorKeyword, tags.modifier], color: 'var(--sco-promql-keyword)', fontWeight: '600' },
  { tag: [tags.operator, tags.arithmeticOperator, tags.logicOperator], color: 'var(--sco-promql-operator)' },
  { tag: tags.comment, color: 'var(--mantine-color-dimmed)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--sco-promql-invalid)' },
]);

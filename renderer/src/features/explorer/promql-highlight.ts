import { HighlightStyle } from '@codemirror/language';
import { tags } from '@lezer/highlight';

/**
 * Token colours for the PromQL grammar's tags, in Mantine's mid-tone palette so they read
 * on both the light and the dark theme (CodeMirror's default style is for light only).
 */
export const promqlHighlight = HighlightStyle.define([
  { tag: tags.function(tags.variableName), color: 'var(--mantine-color-blue-5)' },
  { tag: tags.variableName, color: 'var(--mantine-color-text)' },
  { tag: tags.labelName, color: 'var(--mantine-color-orange-5)' },
  { tag: tags.string, color: 'var(--mantine-color-green-6)' },
  { tag: tags.number, color: 'var(--mantine-color-teal-5)' },
  { tag: [tags.operatorKeyword, tags.modifier], color: 'var(--mantine-color-violet-5)', fontWeight: '600' },
  { tag: [tags.operator, tags.arithmeticOperator, tags.logicOperator], color: 'var(--mantine-color-pink-5)' },
  { tag: tags.comment, color: 'var(--mantine-color-dimmed)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--mantine-color-red-6)' },
]);

import type { Matcher } from '../../../shared/api/alerts.ts';
import { compileMatchers } from '../alerts/matchers.ts';
import type { LoadedRunbook } from './parse.ts';
import { fill } from './template.ts';

export interface TriggerMatch {
  runbook: LoadedRunbook;
  /** The trigger's parameters, filled from the alert's labels. */
  params: Record<string, string>;
}

/** The runbooks with a trigger matching these labels (first matching trigger of each). */
export function matchingTriggers(runbooks: readonly LoadedRunbook[], labels: Readonly<Record<string, string>>): TriggerMatch[] {
  const out: TriggerMatch[] = [];
  for (const runbook of runbooks) {
    for (const trigger of runbook.definition.triggers ?? []) {
      const matchers: Matcher[] = [...Object.entries(trigger.match ?? {}).map(([name, value]) => ({ name, op: '=' as const, value })), ...(trigger.matchers ?? [])];
      if (!compileMatchers(matchers)(labels)) continue;
      const scope = { params: {}, labels, incident: { id: null } };
      out.push({ runbook, params: Object.fromEntries(Object.entries(trigger.params ?? {}).map(([name, template]) => [name, fill(template, scope)])) });
      break;
    }
  }
  return out;
}

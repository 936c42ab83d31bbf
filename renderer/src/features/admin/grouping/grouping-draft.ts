import type { GroupingOverride, GroupingPolicyView } from '../../../../../shared/api/incident-grouping.ts';
import { MAX_GROUP_WINDOW_MINUTES, parseGroupBy } from '../../../../../shared/incidents/group-by.ts';
import { labelValue } from '../../../../../shared/metrics/label-value.ts';

/** The form as typed: text fields stay text until saved. */
export interface GroupingDraft {
  groupBy: string;
  windowMinutes: string;
  autoResolve: boolean;
}

export type GroupingErrors = Partial<Record<'groupBy' | 'windowMinutes', string>>;

export function draftOf(policy: GroupingPolicyView): GroupingDraft {
  return { groupBy: policy.groupBy.join(', '), windowMinutes: String(policy.windowMinutes), autoResolve: policy.autoResolve };
}

export function draftErrors(draft: GroupingDraft): GroupingErrors {
  const errors: GroupingErrors = {};
  const groupBy = parseGroupBy(draft.groupBy);
  if (!groupBy.ok) errors.groupBy = groupBy.error;
  const text = draft.windowMinutes.trim();
  const minutes = Number(text);
  if (!/^\d+$/.test(text) || minutes < 1 || minutes > MAX_GROUP_WINDOW_MINUTES) errors.windowMinutes = `A whole number of minutes from 1 to ${MAX_GROUP_WINDOW_MINUTES} (one week)`;
  return errors;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((entry, i) => entry === b[i]);

/**
 * What to save: each part that differs from the default is an override; a part equal to
 * the default is saved as null, so it keeps following the default if the server's
 * environment changes it later. Call with a draft without errors.
 */
export function overrideOf(draft: GroupingDraft, defaults: GroupingPolicyView): GroupingOverride {
  const parsed = parseGroupBy(draft.groupBy);
  if (!parsed.ok) throw new Error(parsed.error);
  const minutes = Number(draft.windowMinutes.trim());
  return {
    groupBy: sameList(parsed.entries, defaults.groupBy) ? null : parsed.entries,
    windowMinutes: minutes === defaults.windowMinutes ? null : minutes,
    autoResolve: draft.autoResolve === defaults.autoResolve ? null : draft.autoResolve,
  };
}

/** The group an example alert would land in under the typed group-by (the server's rule, `grouping.ts`). */
export function exampleGroup(groupBy: readonly string[], labels: Readonly<Record<string, string>>): string {
  const pairs: string[] = [];
  for (const entry of groupBy) {
    const name = entry.split('|').find((alternative) => labelValue(labels, alternative));
    if (name) pairs.push(`${name}=${labelValue(labels, name)}`);
  }
  return pairs.length > 0 ? pairs.sort().join(',') : `alertname=${labels.alertname ?? 'unnamed'}`;
}

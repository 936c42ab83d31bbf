import { Badge, Button, Code, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { GroupingOverride, IncidentGroupingSettings } from '../../../../../shared/api/incident-grouping.ts';
import { parseGroupBy } from '../../../../../shared/incidents/group-by.ts';
import { draftErrors, draftOf, exampleGroup, overrideOf, type GroupingDraft } from './grouping-draft.ts';

const EXAMPLE = { alertname: 'HighErrorRate', service: 'checkout', instance: 'api-1:9100' };

function Source({ overridden }: { overridden: boolean }) {
  return overridden ? <Badge component="span" size="sm" variant="light" color="blue">set here</Badge> : <Badge component="span" size="sm" variant="light" color="gray">default</Badge>;
}

/** The three parts of the policy, each with its default beside it; saving sends all three. */
export function GroupingForm({ settings, canEdit, busy, onSubmit }: { settings: IncidentGroupingSettings; canEdit: boolean; busy: boolean; onSubmit: (override: GroupingOverride) => void }) {
  const [draft, setDraft] = useState<GroupingDraft>(() => draftOf(settings.effective));
  // Checked as typed: every field says what is wrong with it at once.
  const errors = draftErrors(draft);
  const { defaults, override } = settings;
  const parsed = parseGroupBy(draft.groupBy);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (Object.keys(errors).length === 0) onSubmit(overrideOf(draft, defaults));
  };

  return (
    <form onSubmit={submit} aria-label="Incident grouping">
      <Stack gap="md" maw={640}>
        <TextInput
          label={<Group gap={6} component="span">Group alerts by <Source overridden={override.groupBy !== null} /></Group>}
          description={<>Labels, comma-separated; <Code>service|job</Code> takes the first of them an alert has. Default: <Code>{defaults.groupBy.join(', ')}</Code></>}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          value={draft.groupBy}
          disabled={!canEdit}
          error={errors.groupBy}
          onChange={(event) => setDraft({ ...draft, groupBy: event.currentTarget.value })}
        />
        {parsed.ok && (
          <Text size="xs" c="dimmed" data-testid="grouping-example" style={{ overflowWrap: 'anywhere' }}>
            Example: an alert <Code>{Object.entries(EXAMPLE).map(([name, value]) => `${name}=${value}`).join(', ')}</Code> joins the group <Code>{exampleGroup(parsed.entries, EXAMPLE)}</Code>.
            Alerts from Alertmanager keep Alertmanager&apos;s own groups.
          </Text>
        )}
        <TextInput
          label={<Group gap={6} component="span">Window (minutes) <Source overridden={override.windowMinutes !== null} /></Group>}
          description={`An alert joins, or reopens, an incident of its group active this recently. Default: ${defaults.windowMinutes} min`}
          inputMode="numeric"
          w={{ base: '100%', xs: 320 }}
          value={draft.windowMinutes}
          disabled={!canEdit}
          error={errors.windowMinutes}
          onChange={(event) => setDraft({ ...draft, windowMinutes: event.currentTarget.value })}
        />
        <Stack gap={4}>
          <Switch
            label={<Group gap={6} component="span">Resolve an incident when all its alerts resolve <Source overridden={override.autoResolve !== null} /></Group>}
            description={`Acknowledged alerts count as unresolved. Default: ${defaults.autoResolve ? 'on' : 'off'}`}
            checked={draft.autoResolve}
            disabled={!canEdit}
            onChange={(event) => setDraft({ ...draft, autoResolve: event.currentTarget.checked })}
          />
        </Stack>
        {canEdit && (
          <Group gap="xs">
            <Button type="submit" loading={busy}>Save grouping</Button>
            <Button variant="default" disabled={busy} onClick={() => setDraft(draftOf(defaults))}>Use the defaults</Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

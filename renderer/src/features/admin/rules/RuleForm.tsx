import { Button, Grid, Group, SegmentedControl, Select, Stack, Switch, TextInput, Textarea, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { COMPARATORS, SEVERITIES, type RuleInput } from '../../../../../shared/api/alerts.ts';
import { useApi } from '../../../platform/PlatformContext.tsx';
import { adminQueries } from '../queries.ts';
import { draftErrors, inputOf, type RuleDraft } from './rule-draft.ts';
import { RulePreviewPanel } from './RulePreviewPanel.tsx';

const REDUCERS = [
  { value: 'avg', label: 'average' },
  { value: 'max', label: 'maximum' },
  { value: 'min', label: 'minimum' },
  { value: 'last', label: 'last value' },
];

/** Create or edit a threshold rule, with the live preview beside the fields. */
export function RuleForm({ initial, busy, submitLabel, onSubmit, onCancel }: { initial: RuleDraft; busy: boolean; submitLabel: string; onSubmit: (input: RuleInput) => void; onCancel: () => void }) {
  const api = useApi();
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState(false);
  const datasources = useQuery({ ...adminQueries.datasources(api), enabled: draft.kind === 'promql' });
  const errors = draftErrors(draft);
  const valid = Object.keys(errors).length === 0;
  const set = <K extends keyof RuleDraft>(key: K) => (value: RuleDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const text = (key: keyof RuleDraft) => (event: { currentTarget: { value: string } }) => set(key)(event.currentTarget.value as never);
  const shown = (key: keyof RuleDraft) => (touched ? errors[key] : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (valid) onSubmit(inputOf(draft));
  };
  // The preview wants the rule without its name: an unnamed draft can be previewed already.
  const previewInput = Object.keys(errors).every((key) => key === 'name') ? inputOf({ ...draft, name: draft.name || 'Preview' }) : null;

  return (
    <form onSubmit={submit} aria-label="Alert rule">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="sm">
            <TextInput label="Name" required data-autofocus placeholder="HostCpuHigh" value={draft.name} onChange={text('name')} error={shown('name')} />
            <SegmentedControl
              aria-label="Rule source"
              data={[{ value: 'selector', label: 'Built-in metrics' }, { value: 'promql', label: 'PromQL on a data source' }]}
              value={draft.kind}
              onChange={(value) => set('kind')(value as RuleDraft['kind'])}
            />
            {draft.kind === 'selector' ? (
              <TextInput label="Metric selector" required placeholder='node_cpu_utilisation_ratio{host="web-1"}' ff="monospace" value={draft.selector} onChange={text('selector')} error={shown('selector')} />
            ) : (
              <>
                <Select label="Data source" required data={(datasources.data?.datasources ?? []).map((source) => ({ value: String(source.id), label: source.name }))} value={draft.datasourceId || null} onChange={(value) => set('datasourceId')(value ?? '')} error={shown('datasourceId')} />
                <Textarea label="PromQL expression" required autosize minRows={2} ff="monospace" value={draft.expr} onChange={text('expr')} error={shown('expr')} />
              </>
            )}
            <Group grow align="flex-start">
              <Select label="Reduce the window by" data={REDUCERS} value={draft.reducer} allowDeselect={false} onChange={(value) => value && set('reducer')(value as RuleDraft['reducer'])} />
              <Select label="Comparison" data={[...COMPARATORS]} value={draft.op} allowDeselect={false} onChange={(value) => value && set('op')(value as RuleDraft['op'])} />
              <TextInput label="Threshold" required inputMode="decimal" value={draft.threshold} onChange={text('threshold')} error={shown('threshold')} />
            </Group>
            <Group grow align="flex-start">
              <TextInput label="Window (seconds)" required inputMode="numeric" value={draft.windowSeconds} onChange={text('windowSeconds')} error={shown('windowSeconds')} />
              <TextInput label="Must hold for (seconds)" required inputMode="numeric" value={draft.forSeconds} onChange={text('forSeconds')} error={shown('forSeconds')} />
              <Select label="Severity" data={[...SEVERITIES]} value={draft.severity} allowDeselect={false} onChange={(value) => value && set('severity')(value as RuleDraft['severity'])} />
            </Group>
            <TextInput label="Summary" description="{{value}} and {{labels.host}} are filled in" value={draft.summary} onChange={text('summary')} />
            <Textarea label="Description" autosize minRows={2} value={draft.description} onChange={text('description')} />
            <TextInput label="Runbook URL" placeholder="https://runbooks.example/cpu" value={draft.runbookUrl} onChange={text('runbookUrl')} error={shown('runbookUrl')} />
            <Switch label="Enabled" checked={draft.enabled} onChange={(event) => set('enabled')(event.currentTarget.checked)} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="xs">
            <Title order={3} size="h5">Live preview · last hour</Title>
            <RulePreviewPanel input={previewInput} />
          </Stack>
        </Grid.Col>
      </Grid>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onCancel}>Cancel</Button>
        <Button type="submit" loading={busy}>{submitLabel}</Button>
      </Group>
    </form>
  );
}

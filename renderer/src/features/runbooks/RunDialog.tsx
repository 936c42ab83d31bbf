import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, PasswordInput, Select, Stack, Switch, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ParamSpec, Plan, Run, RunbookSummary } from '../../../../shared/api/runbooks.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { toAppError } from '../../platform/to-app-error.ts';
import { navigate } from '../../lib/router.ts';
import { notifySuccess } from '../../components/notify.ts';
import { isSecretParam } from '../../../../shared/runbooks/secret-params.ts';
import { initialValues, toParams } from './param-form.ts';
import { PlanPreview } from './PlanPreview.tsx';
import { RunSteps } from './RunSteps.tsx';
import { useFocusBackOnUnmount } from '../../components/useFocusBackOnUnmount.ts';

function ParamField({ name, spec, value, onChange }: { name: string; spec: ParamSpec; value: string; onChange: (value: string) => void }) {
  const label = name;
  const description = spec.description;
  const required = spec.default === undefined;
  // A credential: typed hidden, never prefilled (its default stays on the server), shown as [redacted] once sent.
  if (isSecretParam(name, spec)) {
    const hint = spec.default === undefined ? 'Secret: not shown after you send it.' : 'Secret: not shown after you send it. Leave empty for the runbook\'s default.';
    return <PasswordInput label={label} description={description ? `${description} ${hint}` : hint} required={required} value={value} autoComplete="new-password" onChange={(e) => onChange(e.currentTarget.value)} {...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {})} />;
  }
  if (spec.enum) {
    return <Select label={label} description={description} required={required} data={spec.enum.map(String)} value={value || null} onChange={(v) => onChange(v ?? '')} allowDeselect={false} />;
  }
  if (spec.type === 'boolean') return <Switch label={label} description={description} checked={value === 'true'} onChange={(e) => onChange(String(e.currentTarget.checked))} />;
  if (spec.type === 'integer' || spec.type === 'number') {
    return (
      <NumberInput label={label} description={description} required={required} value={value === '' ? '' : Number(value)} onChange={(v) => onChange(v === '' ? '' : String(v))}
        {...(spec.minimum !== undefined ? { min: spec.minimum } : {})} {...(spec.maximum !== undefined ? { max: spec.maximum } : {})} allowDecimal={spec.type === 'number'} />
    );
  }
  const Field = (spec.maxLength ?? 0) > 200 ? Textarea : TextInput;
  return <Field label={label} description={description} required={required} value={value} onChange={(e) => onChange(e.currentTarget.value)} {...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {})} />;
}

export interface RunDialogProps {
  runbook: RunbookSummary;
  opened: boolean;
  onClose: () => void;
  incidentId?: number;
  /** Values to start from (a trigger's parameters on the incident page). */
  initial?: Record<string, string>;
}

/**
 * The run form, built from the runbook's parameter schema: preview the plan (what would
 * execute, the limits), try a dry run, then request the run for exactly the previewed plan.
 */
export function RunDialog({ runbook, opened, onClose, incidentId, initial }: RunDialogProps) {
  const api = useApi();
  useFocusBackOnUnmount();
  const [values, setValues] = useState(() => initialValues(runbook.params, initial));
  const [plan, setPlan] = useState<Plan | null>(null);
  const [dryRun, setDryRun] = useState<Run | null>(null);
  const params = toParams(runbook.params, values);
  const base = { params, ...(incidentId !== undefined ? { incidentId } : {}) };
  const change = (name: string, value: string) => {
    setValues((previous) => ({ ...previous, [name]: value }));
    setPlan(null);
    setDryRun(null);
  };
  const preview = useMutation({ mutationFn: () => api.runbooks.plan({ params: { id: runbook.id }, body: base }), onSuccess: setPlan });
  const dry = useMutation({ mutationFn: () => api.runbooks.run({ params: { id: runbook.id }, body: { ...base, dryRun: true } }), onSuccess: setDryRun });
  const request = useMutation({
    mutationFn: () => api.runbooks.run({ params: { id: runbook.id }, body: { ...base, ...(plan ? { planHash: plan.hash } : {}) } }),
    onSuccess: (run) => {
      notifySuccess(run.state === 'pending_approval' ? `Run #${run.id} waits for approval` : `Run #${run.id}: ${run.state.replace('_', ' ')}`);
      onClose();
      navigate(`/runbook-runs/${run.id}`);
    },
  });
  const failure = preview.error ?? dry.error ?? request.error;

  return (
    <Modal opened={opened} onClose={onClose} title={`Run: ${runbook.title}`} size="xl">
      <Stack>
        {Object.entries(runbook.params).map(([name, spec]) => <ParamField key={name} name={name} spec={spec} value={values[name] ?? ''} onChange={(value) => change(name, value)} />)}
        {failure && <Alert color="red" title="Refused">{toAppError(failure).message}</Alert>}
        {plan && <PlanPreview plan={plan} />}
        {dryRun && (
          <Stack gap={4} data-testid="dry-run">
            <Alert color={dryRun.state === 'succeeded' ? 'teal' : 'red'} title={`Dry run ${dryRun.state}`}>{dryRun.reason ?? 'Nothing was executed.'}</Alert>
            <RunSteps run={dryRun} />
          </Stack>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => preview.mutate()} loading={preview.isPending}>Preview plan</Button>
          <Button variant="default" onClick={() => dry.mutate()} loading={dry.isPending} disabled={!plan}>Dry run</Button>
          <Button onClick={() => request.mutate()} loading={request.isPending} disabled={!plan}>
            {runbook.safety.approvers > 0 ? 'Request run' : 'Run now'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

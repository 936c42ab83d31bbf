import { useState } from 'react';
import { Button, Group, Menu, Select, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconDownload } from '@tabler/icons-react';
import { INCIDENT_STATUSES, type Incident, type IncidentStatus, type UpdateIncidentRequest } from '../../../../shared/api/incidents.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { downloadText } from './download.ts';

export function IncidentControls({ incident }: { incident: Incident }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const canWrite = useCan('incidents:write');
  const [commander, setCommander] = useState(incident.commander ?? '');
  // A viewer sees the fields greyed out: say why, rather than leave them looking broken.
  const readOnly = canWrite ? undefined : 'Read only for your role';
  const update = useMutation({
    mutationFn: (changes: UpdateIncidentRequest) => api.incidents.update({ params: { id: incident.id }, body: changes }),
    onSuccess: () => {
      notifySuccess('Incident updated');
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
    },
    onError: (error) => notifyError('Could not update the incident', error),
  });
  const exportAs = async (format: 'md' | 'json') => {
    try {
      const body = await api.incidents.export({ params: { id: incident.id }, query: { format } });
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      downloadText(`incident-${incident.id}.${format}`, text, format === 'md' ? 'text/markdown' : 'application/json');
      notifySuccess(`Exported incident #${incident.id} as ${format === 'md' ? 'Markdown' : 'JSON'}`);
    } catch (error) {
      notifyError('Could not export', error);
    }
  };

  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <Select
        label="Status"
        w={150}
        data={[...INCIDENT_STATUSES]}
        value={incident.status}
        disabled={!canWrite}
        description={readOnly}
        allowDeselect={false}
        onChange={(status) => status && status !== incident.status && update.mutate({ status: status as IncidentStatus })}
      />
      <TextInput
        label="Commander"
        w={180}
        placeholder="Unassigned"
        value={commander}
        disabled={!canWrite}
        description={readOnly}
        onChange={(e) => setCommander(e.currentTarget.value)}
        onBlur={() => commander.trim() !== (incident.commander ?? '') && update.mutate({ commander: commander.trim() || null })}
        onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
      />
      <Menu position="bottom-end">
        <Menu.Target>
          <Button variant="default" leftSection={<IconDownload size={16} />}>Export</Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => void exportAs('md')}>Postmortem (Markdown)</Menu.Item>
          <Menu.Item onClick={() => void exportAs('json')}>Bundle (JSON)</Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

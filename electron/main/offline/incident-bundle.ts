import type { ApiClient } from '../../../shared/api/client.ts';
import type { IncidentBundle } from '../../../shared/api/incidents.ts';
import { AppError } from '../../../shared/errors.ts';

/** The JSON export of an incident; the route also answers Markdown, which `format: 'json'` rules out. */
export async function fetchIncidentBundle(api: ApiClient, id: number): Promise<IncidentBundle> {
  const body = await api.incidents.export({ params: { id }, query: { format: 'json' } });
  if (typeof body === 'string') throw new AppError('E_INTERNAL', 'The server answered the JSON export of an incident with text.');
  return body;
}

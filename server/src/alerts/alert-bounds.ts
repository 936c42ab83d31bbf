/**
 * How much one pushed alert may carry (`POST /alerts`, the Alertmanager receiver). Without a
 * bound an `alerts:write` key could send 40,000 labels on one alert, and every fingerprint,
 * silence match, incident page and export then paid for them. The defaults are far above
 * what real setups send: Prometheus and Alertmanager set no limit by default, Mimir's default
 * series limit is 30 label names, and Cortex's Alertmanager bounds an alert's size as the
 * bytes of its label and annotation names and values and its generator URL, as here.
 */
export const MAX_ALERT_LABELS = 128;
export const MAX_ALERT_ANNOTATIONS = 128;
export const MAX_ALERT_BYTES = 256 * 1024;

export interface PushedAlertParts {
  labels: Record<string, string>;
  annotations?: Record<string, string> | undefined;
  generatorUrl?: string | undefined;
}

function bytesOf(record: Record<string, string> | undefined): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(record ?? {})) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/** What is wrong with one alert's size, as `{path, message}` (paths relative to the alert); empty when nothing. */
export function alertBoundProblems(alert: PushedAlertParts): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const labels = Object.keys(alert.labels).length;
  if (labels > MAX_ALERT_LABELS) problems.push({ path: '/labels', message: `has ${labels} labels; at most ${MAX_ALERT_LABELS} are taken` });
  const annotations = Object.keys(alert.annotations ?? {}).length;
  if (annotations > MAX_ALERT_ANNOTATIONS) problems.push({ path: '/annotations', message: `has ${annotations} annotations; at most ${MAX_ALERT_ANNOTATIONS} are taken` });
  const bytes = bytesOf(alert.labels) + bytesOf(alert.annotations) + Buffer.byteLength(alert.generatorUrl ?? '');
  if (bytes > MAX_ALERT_BYTES) problems.push({ path: '', message: `is ${bytes} bytes of labels, annotations and generator URL; at most ${MAX_ALERT_BYTES} are taken` });
  return problems;
}

import { useEffect, useState } from 'react';
import type { Alert } from '../../../../shared/api/alerts.ts';
import type { ApiClient } from '../../../../shared/api/client.ts';
import { replaceSearch, useLocation } from '../../lib/router.ts';

/** `#/alerts?ack=<id>`: where a notification click lands (browser or desktop on Linux/Windows). */
export const ACK_PARAM = 'ack';

export function acknowledgeLink(alertId: number): string {
  return `/alerts?${ACK_PARAM}=${alertId}`;
}

/**
 * The alert a notification asked to acknowledge, once loaded; the caller opens its
 * acknowledge form. The parameter is removed once read, so a reload does not reopen it.
 */
export function useAcknowledgeLink(api: ApiClient): Alert | null {
  const { path, search } = useLocation();
  const raw = search.get(ACK_PARAM);
  const [requested, setRequested] = useState<number | null>(null);
  const [alert, setAlert] = useState<Alert | null>(null);
  // Read the parameter once and drop it from the URL (which re-renders without it).
  useEffect(() => {
    const id = Number(raw);
    if (!raw) return;
    replaceSearch(path, {});
    if (Number.isInteger(id) && id >= 1) setRequested(id);
  }, [path, raw]);
  useEffect(() => {
    if (requested === null) return undefined;
    let cancelled = false;
    api.alerts.get({ params: { id: requested } }).then(
      (found) => { if (!cancelled && found.state === 'firing') setAlert(found); },
      () => undefined,
    );
    return () => { cancelled = true; };
  }, [api, requested]);
  return alert;
}

import { afterEach, describe, expect, it } from 'vitest';
import { alertHref, closeAlert, openAlert, safeHttpUrl } from './alert-link.ts';

describe('alert drawer links', () => {
  afterEach(() => {
    window.location.hash = '';
  });

  it('opens on top of the current page, keeping its own parameters, and closes again', () => {
    window.location.hash = '#/metrics?name=cpu&range=60m';
    openAlert(17);
    expect(window.location.hash).toBe('#/metrics?name=cpu&range=60m&alert=17');
    closeAlert();
    expect(window.location.hash).toBe('#/metrics?name=cpu&range=60m');
    expect(alertHref(3, { path: '/incidents/4', search: new URLSearchParams() })).toBe('#/incidents/4?alert=3');
  });

  it('offers only web addresses as runbook and source links', () => {
    expect(safeHttpUrl('https://runbooks.example/cpu')).toBe('https://runbooks.example/cpu');
    expect(safeHttpUrl('http://prometheus:9090/graph?g0.expr=up')).toBe('http://prometheus:9090/graph?g0.expr=up');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });
});

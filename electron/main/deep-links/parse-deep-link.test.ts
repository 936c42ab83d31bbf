import { describe, expect, it } from 'vitest';
import { deepLinkFromArgv, parseDeepLink } from './parse-deep-link.ts';

describe('deep links', () => {
  it('opens an incident', () => {
    expect(parseDeepLink('smartcloudops://incident/42')).toEqual({ kind: 'incident', incidentId: '42' });
    expect(parseDeepLink('SMARTCLOUDOPS://incident/inc_2026-11-25')).toEqual({ kind: 'incident', incidentId: 'inc_2026-11-25' });
    expect(parseDeepLink('smartcloudops://incident/42/')).toEqual({ kind: 'incident', incidentId: '42' });
  });

  it('refuses anything else', () => {
    const refused = [
      'smartcloudops://incident/',
      'smartcloudops://incident/42/delete',
      'smartcloudops://incident/../admin',
      'smartcloudops://incident/42?action=ack',
      'smartcloudops://incident/42#x',
      'smartcloudops://user:pw@incident/42',
      'smartcloudops://incident:8080/42',
      'smartcloudops://runbook/restart',
      'smartcloudops://incident/%3Cscript%3E',
      'https://incident/42',
      'smartcloudops:incident/42',
      `smartcloudops://incident/${'1'.repeat(300)}`,
      '',
    ];
    for (const link of refused) expect(parseDeepLink(link), link).toBeNull();
  });

  it('finds the link in a second instance command line', () => {
    expect(deepLinkFromArgv(['/opt/SmartCloudOps/smartcloudops', '--no-sandbox', 'smartcloudops://incident/7'])).toEqual({ kind: 'incident', incidentId: '7' });
    expect(deepLinkFromArgv(['/opt/SmartCloudOps/smartcloudops'])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.ts';
import { renderNotification } from './formats.ts';

const alert = (labels: Record<string, string>, annotations: Record<string, string>): Alert =>
  ({
    id: 7, fingerprint: 'f', source: 'api', state: 'firing', severity: 'critical', labels, annotations, startsAt: Date.UTC(2026, 0, 1), endsAt: null, lastSeenAt: 0, updatedAt: 0,
    occurrences: 1, silenced: false, silencedBy: [], acknowledgedBy: null, acknowledgedAt: null, ackComment: null, incidentId: 3, generatorUrl: null,
  }) as Alert;

describe('Slack notification format', () => {
  it('sends labels and annotations as text: no @channel, mention or disguised link from an alert source', () => {
    const message = renderNotification(
      'slack',
      alert(
        { alertname: '<!channel> DiskFull', host: '<@U024BE7LH>', 'a<b': 'x & y' },
        { summary: 'Free space: <https://evil.example/login|open the dashboard>', runbook_url: 'https://wiki/<!here>' },
      ),
      'firing',
      0,
    ) as { text: string; attachments: Array<{ text: string; fallback: string; fields: Array<{ title: string; value: string }> }> };
    const all = JSON.stringify(message);
    // Slack's control sequences all start with `<`: none is left, every one is the entity.
    expect(all).not.toMatch(/<[!@#h]/);
    expect(message.text).toBe(':rotating_light: [CRITICAL] &lt;!channel&gt; DiskFull: Free space: &lt;https://evil.example/login|open the dashboard&gt;');
    expect(message.attachments[0]!.fields).toContainEqual({ title: 'host', value: '&lt;@U024BE7LH&gt;', short: true });
    expect(message.attachments[0]!.fields).toContainEqual({ title: 'a&lt;b', value: 'x &amp; y', short: true });
    expect(message.attachments[0]!.text).toContain('Runbook: https://wiki/&lt;!here&gt;');
  });

  it('leaves plain text as it is', () => {
    const message = renderNotification('slack', alert({ alertname: 'HighLoad', host: 'web-1' }, { summary: 'load 4.2 on web-1' }), 'resolved', 0) as { text: string };
    expect(message.text).toBe(':white_check_mark: RESOLVED HighLoad: load 4.2 on web-1');
  });
});

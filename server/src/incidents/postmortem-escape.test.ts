import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { mdCode, mdText } from './markdown.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

describe('Markdown export of hostile text', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, grouping: { groupBy: ['target'] } } });
  });
  afterAll(() => server.close());

  it('escapes labels, annotations and notes so that no HTML or link renders', async () => {
    const [outcome] = await server.app.alerts.service.ingest([
      { source: 'api', status: 'firing', labels: { alertname: HOSTILE, target: 'web`|<b>x</b>' }, annotations: { summary: `${HOSTILE} [click](javascript:alert(2))` } },
    ]);
    const incidentId = outcome!.alert.incidentId!;
    const note = await server.injectAs('operator', { method: 'POST', url: `/api/v1/incidents/${incidentId}/notes`, payload: { text: `see <script>alert(3)</script> & ${HOSTILE}` } });
    expect(note.statusCode).toBe(201);
    const md = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export?format=md` })).body;
    // Inside a code span (fenced so its content cannot close it) text is shown as is; anywhere else no tag may remain.
    const outsideCode = md.replace(/(`+) .*? \1|`[^`]*`/g, '');
    expect(outsideCode.split('\n').filter((line) => /<img|<script|<b>/i.test(line))).toEqual([]);
    expect(md).toContain('`` target=web`\\|<b>x</b> ``');
    // A link needs an unescaped "](": the brackets are escaped, so this stays text.
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(md).toContain('\\[click\\](javascript:alert(2))');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(md).toContain('see &lt;script&gt;alert(3)&lt;/script&gt; &amp; ');
  });

  // CommonMark ends a line at a carriage return alone too (spec 0.31, 2.1), so "\r\r" in a
  // label closed the code span's paragraph and what followed rendered as HTML.
  it('keeps a carriage return from ending a line of the export', async () => {
    const [outcome] = await server.app.alerts.service.ingest([
      { source: 'api', status: 'firing', labels: { alertname: 'CarriageReturn', target: `web-9\r\r${HOSTILE}` }, annotations: { summary: 'one\r# Fake heading\r- fake item' } },
    ]);
    const incidentId = outcome!.alert.incidentId!;
    const note = await server.injectAs('operator', { method: 'POST', url: `/api/v1/incidents/${incidentId}/notes`, payload: { text: 'a note\r## Lessons: none' } });
    expect(note.statusCode).toBe(201);
    const md = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export?format=md` })).body;
    const lines = md.split(/\r\n|\r|\n/);
    const outsideCode = lines.map((line) => line.replace(/(`+) .*? \1|`[^`]*`/g, ''));
    expect(outsideCode.filter((line) => /<img/i.test(line))).toEqual([]);
    expect(lines.filter((line) => /^#+ (Fake heading|Lessons: none)/.test(line) || line === '- fake item')).toEqual([]);
    // Still there, on one line, inside its code span.
    expect(md).toContain('web-9  <img src=x onerror=alert(1)>');
  });

  it('mdText and mdCode keep text text', () => {
    expect(mdText('a|b\nc [x](y) `z`')).toBe('a\\|b c \\[x\\](y) \\`z\\`');
    expect(mdCode('up{job="a"}')).toBe('`up{job="a"}`');
    expect(mdCode('a`b')).toBe('`` a`b ``');
    expect(mdCode('x|y')).toBe('`x\\|y`');
    expect(mdText('a\rb\r\nc\nd')).toBe('a b c d');
    expect(mdCode('a\r\rb')).toBe('`a  b`');
  });
});

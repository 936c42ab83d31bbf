import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { SafeMarkdown } from './SafeMarkdown.tsx';
import { safeUrl } from './safe-url.ts';

function html(source: string): HTMLElement {
  const { getByTestId } = render(
    <MantineProvider>
      <SafeMarkdown source={source} />
    </MantineProvider>,
  );
  return getByTestId('markdown');
}

/** Classic XSS payloads (OWASP filter-evasion cheat sheet and friends). */
const PAYLOADS = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss = 1">',
  '<svg onload="window.__xss=1"></svg>',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<a href="javascript:window.__xss=1">click</a>',
  '[click](javascript:window.__xss=1)',
  '[click](JaVaScRiPt:window.__xss=1)',
  '[click](java\tscript:window.__xss=1)',
  '[click](&#106;avascript:window.__xss=1)',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](vbscript:msgbox(1))',
  '![x](javascript:window.__xss=1)',
  '<details open ontoggle="window.__xss=1">',
  '<math><mi xlink:href="javascript:window.__xss=1">x</mi></math>',
  '<div style="background:url(javascript:window.__xss=1)">x</div>',
  '<form action="javascript:window.__xss=1"><button>go</button></form>',
  '[a](<javascript:window.__xss=1>)',
  '<object data="javascript:window.__xss=1"></object>',
];

describe('SafeMarkdown', () => {
  it('keeps a note\'s headings below the page\'s own (a note sits under the h2 "Timeline")', () => {
    // "# Root cause" was an h1 in the middle of the incident page, larger than its title and
    // first in a screen reader's list of headings.
    const root = html('# Root cause\n\n## Fix\n\n### Detail\n\n#### Deeper\n\n##### Deepest');
    expect([...root.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((heading) => `${heading.tagName}:${heading.textContent}`))
      .toEqual(['H3:Root cause', 'H4:Fix', 'H5:Detail', 'H6:Deeper', 'H6:Deepest']);
  });

  it('renders the Markdown people write in notes', () => {
    const root = html('**Root cause**: disk full on `db-1`\n\n- purged logs\n- [runbook](https://wiki.example.com/disk)\n\n| host | free |\n| --- | --- |\n| db-1 | 2% |');
    expect(root.querySelector('strong')?.textContent).toBe('Root cause');
    expect(root.querySelector('code')?.textContent).toBe('db-1');
    expect(root.querySelectorAll('li')).toHaveLength(2);
    expect(root.querySelector('a')?.getAttribute('href')).toBe('https://wiki.example.com/disk');
    expect(root.querySelector('a')?.getAttribute('rel')).toContain('noopener');
    expect(root.querySelector('table td')?.textContent).toBe('db-1');
  });

  it.each(PAYLOADS)('never turns %s into active HTML', (payload) => {
    const root = html(`note before\n\n${payload}\n\nnote after`);
    for (const element of root.querySelectorAll('*')) {
      expect(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'FORM', 'SVG', 'MATH', 'STYLE'], element.tagName).not.toContain(element.tagName.toUpperCase());
      for (const attribute of element.attributes) {
        expect(attribute.name, payload).not.toMatch(/^on/i);
        expect(attribute.name, payload).not.toBe('style');
        expect(attribute.value.replace(/\s/g, ''), payload).not.toMatch(/^(javascript|data|vbscript):/i);
      }
    }
    expect(root.querySelector('img'), 'pictures become links').toBeNull();
    expect(root.textContent).toContain('note after');
    expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
  });

  it('keeps in-app links and drops every other scheme', () => {
    expect(safeUrl('#/incidents/3')).toBe('#/incidents/3');
    expect(safeUrl('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    expect(safeUrl('mailto:oncall@example.com')).toBe('mailto:oncall@example.com');
    expect(safeUrl('javascript:alert(1)')).toBe('');
    expect(safeUrl(' \u0001javascript:alert(1)')).toBe('');
    expect(safeUrl('data:text/html,x')).toBe('');
    expect(safeUrl('file:///etc/passwd')).toBe('');
  });
});

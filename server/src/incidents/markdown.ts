/**
 * Text from users and alert sources (titles, labels, notes, annotations) placed in a
 * Markdown document must stay text in any viewer: `<img src=x onerror=...>` must not
 * render as HTML, `[x](javascript:...)` must not become a link. Also safe in table cells.
 */
export function mdText(value: string): string {
  return value
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`[\]|]/g, '\\$&');
}

/**
 * A code span that its content cannot close: fenced by more backticks than the longest run
 * inside (CommonMark), pipes escaped for tables. Inside a code span nothing renders as HTML.
 */
export function mdCode(value: string): string {
  const text = value.replace(/\r?\n/g, ' ').replaceAll('|', '\\|');
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 || text.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * CommonMark's line endings: LF, CR LF, and a CR alone (spec 0.31, 2.1). A CR alone was
 * kept, so "\r\r" in a label ended the code span's paragraph and what followed rendered
 * as HTML; every one becomes a space.
 */
const LINE_ENDING = /\r\n|\r|\n/g;

/**
 * Text from users and alert sources (titles, labels, notes, annotations) placed in a
 * Markdown document must stay text in any viewer: `<img src=x onerror=...>` must not
 * render as HTML, `[x](javascript:...)` must not become a link. Also safe in table cells.
 */
export function mdText(value: string): string {
  return value
    .replace(LINE_ENDING, ' ')
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
  const text = value.replace(LINE_ENDING, ' ').replaceAll('|', '\\|');
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 || text.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

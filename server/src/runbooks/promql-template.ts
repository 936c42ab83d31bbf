import { lookup, REFERENCE, TemplateError, type TemplateScope } from './template.ts';

type Quote = '"' | "'" | '`' | null;

/**
 * Fills a verify query (PromQL on a data source, or a selector on the server's own store)
 * so that no substituted value can change the query's shape: a parameter or alert label of
 * `x"} or vector(1) or up{a="` would otherwise make every verify hold, and a failed fix look
 * verified. Each value is encoded for where its reference stands: inside a double- or
 * single-quoted string it is escaped as PromQL's string escapes read it back; inside a raw
 * (backtick) string it may not hold a backtick; outside any string it must be one plain
 * token (a number, a name, a duration).
 */
export function fillPromql(template: string, scope: TemplateScope): string {
  let out = '';
  let quote: Quote = null;
  let at = 0;
  for (const match of template.matchAll(REFERENCE)) {
    const text = template.slice(at, match.index);
    quote = quoteAfter(text, quote);
    out += text + encode(lookup(scope, match[1]!, match[2]), quote, match[0]);
    at = match.index + match[0].length;
  }
  return out + template.slice(at);
}

/** The string `text` leaves open, starting inside `quote` (PromQL: "…" and '…' with backslash escapes, `…` raw). */
function quoteAfter(text: string, quote: Quote): Quote {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === null) {
      if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    } else if (ch === '\\' && quote !== '`') i++;
    else if (ch === quote) quote = null;
  }
  return quote;
}

const TOKEN = /^-?[A-Za-z0-9_.:]+$/;

function encode(value: string, quote: Quote, reference: string): string {
  if (quote === null) {
    if (!TOKEN.test(value)) throw new TemplateError(`${reference} stands outside quotes in the verify query, where only a plain number or name may go; ${JSON.stringify(value)} is not one (quote it in the query)`);
    return value;
  }
  if (quote === '`') {
    if (value.includes('`')) throw new TemplateError(`${reference} stands in a raw string of the verify query and its value holds a backtick`);
    return value;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) throw new TemplateError(`${reference} holds control characters, which a verify query cannot carry`);
  return value.replace(/\\/g, '\\\\').replace(quote === '"' ? /"/g : /'/g, `\\${quote}`).replace(/\n/g, '\\n');
}

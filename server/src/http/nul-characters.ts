import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/errors.ts';

/**
 * U+0000 is refused in every request string, on both databases: PostgreSQL cannot store it in
 * `text` or `jsonb` (SQLSTATE 22021, 22P05), so a NUL in an alert label, a note, an API key's
 * name, a search or a chat message was a 500 there (and an Alertmanager batch answered 500 is
 * sent again and again). SQLite took it, so the same request behaved differently by database.
 *
 * Cheap on the ingest path: in JSON a NUL can only be the escape `\u0000` (a raw control
 * character is invalid JSON), so the body's text is searched once, and walked only when that
 * escape is there (it may be an escaped backslash followed by "u0000", which is fine).
 */

const ESCAPED_NUL = '\\u0000';
const ENCODED_NUL = /%00/;

/**
 * The JSON pointer of the first string (value or property name) holding a NUL, or undefined.
 * A loop over a stack, not recursion: a body may nest a million levels deep (JSON.parse takes
 * it), and a recursive walk would overflow the call stack.
 */
function nulPath(root: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return path || '/';
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}/${i}`]);
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (const [key] of entries) if (key.includes('\0')) return `${path}/${key.replaceAll('\0', '\\u0000')}`;
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], `${path}/${entries[i]![0]}`]);
    }
  }
  return undefined;
}

/** 400 `E_VALIDATION`; `path` is the JSON pointer of a body's string, or `url`, `form`. */
export function nulRefusal(where: string, path: string): AppError {
  return new AppError('E_VALIDATION', `The request holds a NUL character (U+0000) in ${where}; no text may contain one.`, [{ path, message: 'contains a NUL character (U+0000)' }]);
}

/** The JSON body's NUL, if any, as an error to answer (400 `E_VALIDATION` naming the place). */
export function nulInJson(text: string, parsed: unknown): AppError | undefined {
  if (!text.includes(ESCAPED_NUL)) return undefined;
  const path = nulPath(parsed);
  return path === undefined ? undefined : nulRefusal(`the body at ${path}`, path);
}

/** A URL-encoded text (a path, a query string, a form body) that decodes to a NUL. */
export function hasEncodedNul(encoded: string): boolean {
  return encoded.includes('\0') || ENCODED_NUL.test(encoded);
}

/**
 * Installs the refusal: the JSON parser (Fastify's own, with its prototype-poisoning checks,
 * wrapped) and a request hook for the URL (path and query string, before routing's
 * handlers see them). Form bodies (Slack's) check `hasEncodedNul` in their own parser.
 */
export function installNulRefusal(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Fastify's parser answers synchronously; `done` is called outside it (it calls `done`
    // inside a try block, and anything thrown further on would be taken for bad JSON).
    let outcome: { error: Error | null; parsed: unknown } = { error: null, parsed: undefined };
    parseJson(request, body as string, (error: Error | null, parsed: unknown) => {
      outcome = { error, parsed };
    });
    const refused = outcome.error ?? nulInJson(body as string, outcome.parsed);
    if (refused) done(refused, undefined);
    else done(null, outcome.parsed);
  });
  app.addHook('onRequest', (request, _reply, done) => {
    done(hasEncodedNul(request.url) ? nulRefusal('the URL', 'url') : undefined);
  });
}

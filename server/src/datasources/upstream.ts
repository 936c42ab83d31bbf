import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { Dispatcher, Pool } from 'undici';
import type { TestFailureKind } from '../../../shared/api/datasources.ts';
import type { UpstreamAuth } from './store.ts';
import { decodeBody, DecodedTooLargeError } from './content-encoding.ts';

export interface UpstreamTarget {
  url: string;
  credentials: UpstreamAuth | null;
  tlsSkipVerify: boolean;
  timeoutSeconds: number;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly contentType: string;
  /** The `Retry-After` header, when the source sent one (a 429 or a 503 asking us to wait). */
  readonly retryAfter?: string;
  /** The `Location` header of a redirect (3xx), which is not followed (redirect-advice.ts). */
  readonly location?: string;
  /** The body as the socket reads delivered it (views on those reads, not copies). */
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
  /** The body in one buffer: the one chunk, or the chunks joined on first use. */
  readonly body: Buffer;
  /**
   * Lets go of the body (`chunks` and `body` are empty afterwards): called once whatever
   * sends it holds its own reference (the reply's socket write, a gzip, a stream). Something
   * outlives a proxied request in V8's old generation and still points at its answer, so
   * the reads' buffers survived every scavenge and went only with a full collection: one
   * about every 64 MiB of answers, a fifth of the proxy's CPU (docs/benchmarks.md, "The
   * upstream answers' buffers, let go once sent").
   */
  release(): void;
}

/**
 * A response whose body is joined only when something needs it in one piece (the cache, a
 * gzip, an error's message). Passed through, a 2.4 MB answer of 50 series goes out as the
 * ~40 reads it came in: joining them cost a second 2.4 MB buffer per request, and those
 * buffers' churn is what kept V8 marking (docs/benchmarks.md, "The proxy's latency tail").
 * Takes `chunks` over: `release` empties that array.
 */
export function upstreamResponse(status: number, contentType: string, chunks: Buffer[], bytes: number, said: { retryAfter?: string | undefined; location?: string | undefined } = {}): UpstreamResponse {
  let joined: Buffer | undefined = chunks.length === 1 ? chunks[0] : undefined;
  return {
    status,
    contentType,
    ...(said.retryAfter === undefined ? {} : { retryAfter: said.retryAfter }),
    ...(said.location === undefined ? {} : { location: said.location }),
    chunks,
    bytes,
    get body() {
      return (joined ??= Buffer.concat(chunks, bytes));
    },
    release() {
      // The very array the reads were collected in (the request's handler may outlive it too).
      chunks.length = 0;
      joined = EMPTY;
    },
  };
}

const EMPTY = Buffer.alloc(0);

/**
 * The largest answer read from a source. The body is held whole (to cache, gzip and send
 * it), so without a bound one query over many series (`{__name__=~".+"}`), or a source
 * that streams without end, had the server hold as much as it sent: 660 MB of one answer
 * took the resident memory from 175 MB to 1.46 GB, and a few at once would end the process.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** An answer past MAX_ANSWER_BYTES: the query asks too much, like Prometheus's own "too many samples". */
export class UpstreamTooLargeError extends Error {
  constructor(host: string) {
    super(`${host} answered more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB; narrow the query (fewer series, a shorter range or a larger step).`);
    this.name = 'UpstreamTooLargeError';
  }
}

/** A call that got no HTTP answer (or a 401/403), classified so a person can act on it. */
export class UpstreamError extends Error {
  readonly kind: TestFailureKind;
  constructor(kind: TestFailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
    this.kind = kind;
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

/** Turns a socket-level failure into a kind and a message naming the cause and the fix. */
export function classifyNetworkError(error: NodeJS.ErrnoException, base: URL): UpstreamError {
  const code = error.code ?? '';
  const where = `${base.protocol}//${base.host}`;
  if (DNS_CODES.has(code)) return new UpstreamError('dns', `The host name "${base.hostname}" could not be resolved (DNS ${code}). Check the URL.`, { cause: error });
  if (REFUSED_CODES.has(code)) return new UpstreamError('refused', `Connection refused by ${where}: nothing is listening there. Check the host, the port and that Prometheus is running.`, { cause: error });
  if (TLS_CODE.test(code) || /certificate|ssl|tls/i.test(error.message)) {
    return new UpstreamError('tls', `TLS handshake with ${where} failed: ${error.message} (${code || 'TLS'}). Fix the certificate, use http://, or enable "skip TLS verification" for a trusted self-signed server.`, { cause: error });
  }
  return new UpstreamError('network', `Could not talk to ${where}: ${error.message}${code ? ` (${code})` : ''}.`, { cause: error });
}

/**
 * undici is loaded with the first data source client, not at start-up: a server with no
 * data source does not hold it (about 6 MiB of V8 heap for its modules, measured with a
 * bare import; docs/server.md, "Memory at rest").
 */
const requireLazily = createRequire(import.meta.url);
let undici: typeof Undici | undefined;
const loadUndici = (): typeof Undici => (undici ??= requireLazily('undici') as typeof Undici);

/** Sockets kept open to one source: enough for the proxy's concurrency, few enough for Prometheus. */
const MAX_CONNECTIONS = 64;
/** An idle socket is closed after this long (Prometheus's own idle timeout is longer). */
const KEEP_ALIVE_MS = 30_000;

/**
 * One HTTP client per data source: an undici connection pool (keep-alive sockets, so the
 * proxy pays no TCP or TLS handshake per query, and undici's request path, which costs
 * far less per call than node:http's), our credentials for that source, its timeout.
 * Only the headers built here are sent upstream: nothing of the incoming request (in
 * particular not our own Authorization header) is forwarded.
 */
export class UpstreamClient {
  readonly #base: URL;
  readonly #pool: Pool;
  /** Built once: every call sends the same headers. */
  readonly #headers: Record<string, string>;
  readonly #hasCredentials: boolean;
  readonly #timeoutMs: number;

  constructor(target: UpstreamTarget) {
    this.#base = new URL(target.url.endsWith('/') ? target.url : `${target.url}/`);
    this.#timeoutMs = target.timeoutSeconds * 1000;
    this.#pool = new (loadUndici().Pool)(this.#base.origin, {
      connections: MAX_CONNECTIONS,
      keepAliveTimeout: KEEP_ALIVE_MS,
      // Our own timer ends a call (with a message naming the source's timeout); undici's
      // would only fire later, as a backstop.
      headersTimeout: this.#timeoutMs + 1_000,
      bodyTimeout: this.#timeoutMs + 1_000,
      connect: { rejectUnauthorized: !target.tlsSkipVerify, timeout: Math.min(this.#timeoutMs, 10_000) },
    });
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'SmartCloudOps' };
    const auth = target.credentials;
    if (auth?.type === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    else if (auth?.type === 'bearer') headers.authorization = `Bearer ${auth.token}`;
    this.#headers = headers;
    this.#hasCredentials = auth !== null && auth !== undefined;
  }

  /**
   * GET `api/v1/<path>?<query>` relative to the source's URL (which may carry a path prefix, as Thanos or Mimir do).
   * Through undici's dispatch with a handler that only collects the body's chunks: the
   * request API's Readable body (and its concatenation) cost about twice the CPU per call
   * in the measured A/B (docs/benchmarks.md), and every call reads the whole body anyway.
   */
  get(apiPath: string, query: URLSearchParams | string, signal?: AbortSignal): Promise<UpstreamResponse> {
    const search = typeof query === 'string' ? query : query.toString();
    const path = `${this.#base.pathname}api/v1/${apiPath}${search ? `?${search}` : ''}`;
    return new Promise<UpstreamResponse>((resolve, reject) => {
      let settled = false;
      let controller: Dispatcher.DispatchController | undefined;
      let abortedWith: UpstreamError | UpstreamTooLargeError | undefined;
      const finish = (error: unknown, response?: UpstreamResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', cancel);
        if (response) resolve(response);
        else reject(this.#classify(error));
      };
      const abort = (reason: UpstreamError | UpstreamTooLargeError) => {
        if (settled) return;
        abortedWith = reason;
        // Before the request started there is nothing to abort yet: onRequestStart does it.
        if (controller) controller.abort(reason);
      };
      const timer = setTimeout(() => abort(new UpstreamError('timeout', `${this.#base.host} did not answer within ${this.#timeoutMs / 1000} s (the data source's timeout). Narrow the query or raise the timeout.`)), this.#timeoutMs);
      const cancel = () => abort(new UpstreamError('timeout', 'The query was cancelled.'));
      signal?.addEventListener('abort', cancel, { once: true });

      let status = 0;
      let contentType = 'application/json';
      let retryAfter: string | undefined;
      let location: string | undefined;
      let encoding: string | undefined;
      const chunks: Buffer[] = [];
      let bytes = 0;
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (started) => {
          controller = started;
          if (abortedWith) started.abort(abortedWith);
        },
        onResponseStart: (_controller, statusCode, headers) => {
          status = statusCode;
          const type = headers['content-type'];
          if (type !== undefined) contentType = (Array.isArray(type) ? type[0] : type) ?? contentType;
          const coding = headers['content-encoding'];
          if (coding !== undefined) encoding = Array.isArray(coding) ? coding.join(',') : coding;
          // Only where it means "wait": read on every other answer, it would cost the hot path for nothing.
          if (statusCode === 429 || statusCode === 503) {
            const wait = headers['retry-after'];
            retryAfter = Array.isArray(wait) ? wait[0] : wait;
          } else if (statusCode >= 300 && statusCode < 400) {
            const to = headers.location;
            location = Array.isArray(to) ? to[0] : to;
          }
        },
        onResponseData: (_controller, chunk) => {
          if (abortedWith) return;
          bytes += chunk.length;
          if (bytes > MAX_ANSWER_BYTES) {
            // What was read goes at once; the socket is closed, not drained to the end.
            chunks.length = 0;
            abort(new UpstreamTooLargeError(this.#base.host));
            return;
          }
          chunks.push(chunk);
        },
        // Read to the end whatever the status, so the socket goes back to the pool.
        onResponseEnd: () => {
          if (status === 401 || status === 403) {
            finish(new UpstreamError('auth', `${this.#base.host} refused our credentials (HTTP ${status}). Check the data source's ${this.#hasCredentials ? 'username/password or token' : 'authentication: it needs one'}.`));
            return;
          }
          if (encoding !== undefined && encoding !== 'identity') {
            // Compressed by something in front of the source though we asked for nothing.
            decodeBody(encoding, Buffer.concat(chunks, bytes), MAX_ANSWER_BYTES).then(
              (decoded) => finish(undefined, upstreamResponse(status, contentType, [decoded], decoded.length, { retryAfter, location })),
              (error: unknown) =>
                finish(error instanceof DecodedTooLargeError ? new UpstreamTooLargeError(this.#base.host) : new UpstreamError('http', `${this.#base.host} ${(error as Error).message}.`)),
            );
            return;
          }
          // The reads' views are passed on, not copied (a view may keep the read's other
          // bytes alive: the cache compacts what it keeps).
          finish(undefined, upstreamResponse(status, contentType, chunks, bytes, { retryAfter, location }));
        },
        onResponseError: (_controller, error) => finish(abortedWith ?? error),
      };
      try {
        this.#pool.dispatch({ method: 'GET', path, headers: this.#headers }, handler);
      } catch (error) {
        finish(error);
      }
    });
  }

  /** The URL a call to `api/v1/<apiPath>` goes to (without its query), to say where a redirect came from. */
  urlOf(apiPath: string): URL {
    return new URL(`api/v1/${apiPath}`, this.#base);
  }

  close(): void {
    void this.#pool.destroy().catch(() => undefined);
  }

  #classify(error: unknown): Error {
    if (error instanceof UpstreamError || error instanceof UpstreamTooLargeError) return error;
    const failure = error as NodeJS.ErrnoException;
    if (failure.code === 'UND_ERR_CONNECT_TIMEOUT' || failure.code === 'UND_ERR_HEADERS_TIMEOUT' || failure.code === 'UND_ERR_BODY_TIMEOUT') {
      return new UpstreamError('timeout', `${this.#base.host} did not answer within ${this.#timeoutMs / 1000} s (the data source's timeout). Narrow the query or raise the timeout.`, { cause: error });
    }
    if (failure.name === 'AbortError') return new UpstreamError('timeout', 'The query was cancelled.', { cause: error });
    return classifyNetworkError(failure, this.#base);
  }
}

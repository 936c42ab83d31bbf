import http from 'node:http';
import https from 'node:https';
import type { TestFailureKind } from '../../../shared/api/datasources.ts';
import type { UpstreamAuth } from './store.ts';

export interface UpstreamTarget {
  url: string;
  credentials: UpstreamAuth | null;
  tlsSkipVerify: boolean;
  timeoutSeconds: number;
}

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: Buffer;
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
 * One HTTP client per data source: a keep-alive agent (so the proxy does not pay a TCP and
 * TLS handshake per query), our credentials for that source, its timeout. Only the headers
 * built here are sent upstream: nothing of the incoming request (in particular not our own
 * Authorization header) is forwarded.
 */
export class UpstreamClient {
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #authorization: string | undefined;
  readonly #timeoutMs: number;

  constructor(target: UpstreamTarget) {
    this.#base = new URL(target.url.endsWith('/') ? target.url : `${target.url}/`);
    const agentOptions = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16 };
    this.#agent = this.#base.protocol === 'https:' ? new https.Agent({ ...agentOptions, rejectUnauthorized: !target.tlsSkipVerify }) : new http.Agent(agentOptions);
    const auth = target.credentials;
    if (auth?.type === 'basic') this.#authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    else if (auth?.type === 'bearer') this.#authorization = `Bearer ${auth.token}`;
    this.#timeoutMs = target.timeoutSeconds * 1000;
  }

  /** GET `api/v1/<path>?<query>` relative to the source's URL (which may carry a path prefix, as Thanos or Mimir do). */
  get(apiPath: string, query: URLSearchParams, signal?: AbortSignal): Promise<UpstreamResponse> {
    const url = new URL(`api/v1/${apiPath}`, this.#base);
    url.search = query.toString();
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'SmartCloudOps' };
      if (this.#authorization) headers.authorization = this.#authorization;
      const request = transport.request(url, { method: 'GET', agent: this.#agent, headers, ...(signal ? { signal } : {}) }, (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          length += chunk.length;
        });
        response.on('end', () => {
          clearTimeout(timer);
          const status = response.statusCode ?? 0;
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
          if (status === 401 || status === 403) {
            reject(new UpstreamError('auth', `${this.#base.host} refused our credentials (HTTP ${status}). Check the data source's ${this.#authorization ? 'username/password or token' : 'authentication: it needs one'}.`));
            return;
          }
          resolve({ status, contentType: response.headers['content-type'] ?? 'application/json', body });
        });
        response.on('error', fail);
      });
      const timer = setTimeout(() => {
        request.destroy(new UpstreamError('timeout', `${this.#base.host} did not answer within ${this.#timeoutMs / 1000} s (the data source's timeout). Narrow the query or raise the timeout.`));
      }, this.#timeoutMs);
      function fail(error: Error) {
        clearTimeout(timer);
        reject(error);
      }
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof UpstreamError) fail(error);
        else if (error.name === 'AbortError') fail(new UpstreamError('timeout', 'The query was cancelled.', { cause: error }));
        else fail(classifyNetworkError(error, this.#base));
      });
      request.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

import https from 'node:https';
import tls from 'node:tls';
import axios, { type AxiosInstance } from 'axios';
import type { TlsOptions } from '../../../shared/ipc/channels/connections.ts';

export const REQUEST_TIMEOUT_MS = 15_000;
/**
 * The largest answer main reads into memory (the largest legitimate ones, range queries of
 * 500 series and export pages, are tens of MiB): a server that answers without end must
 * not take main down. The live stream, read as it comes, is exempt (its parser bounds each event).
 */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * One axios instance per server profile. A custom CA is trusted in addition to the
 * system roots (Node's `ca` option replaces them otherwise). Redirects are not followed:
 * a redirect to another host must not receive the bearer token.
 */
export function createServerAxios(baseURL: string, tlsOptions: TlsOptions, limits: { maxResponseBytes?: number } = {}): AxiosInstance {
  const ca = tlsOptions.caCertificate ? [...tls.rootCertificates, tlsOptions.caCertificate] : undefined;
  return axios.create({
    baseURL,
    timeout: REQUEST_TIMEOUT_MS,
    maxRedirects: 0,
    maxContentLength: limits.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    // `?topic=a&topic=b`, the form the server's query schemas expect (not `topic[]=`).
    paramsSerializer: { indexes: null },
    httpsAgent: new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) }),
    headers: { accept: 'application/json' },
  });
}

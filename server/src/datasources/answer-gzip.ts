import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Negotiator } from '@fastify/accept-negotiator';
import { LRUCache } from 'lru-cache';

/** Smaller answers go as they are (the compress plugin's threshold). */
const MIN_BYTES = 1024;
const gzip = promisify(zlib.gzip);
/** Browsers send a handful of distinct Accept-Encoding values: each is parsed once. */
const negotiator = new Negotiator({ supportedValues: ['gzip', 'identity'], cache: new LRUCache<string, string>({ max: 256 }) });
/**
 * An answer's gzip, made once per answer body and kept as long as the body is (the cache
 * entry holds it): a cache hit sends stored compressed bytes instead of compressing the same
 * Prometheus answer again for every browser that asks for it.
 */
const compressed = new WeakMap<Buffer, Promise<Buffer>>();

/** Whether to send this answer gzip'd: the client takes gzip and the answer is worth it. */
export function wantsGzip(acceptEncoding: string | undefined, bytes: number): boolean {
  return bytes >= MIN_BYTES && acceptEncoding !== undefined && negotiator.negotiate(acceptEncoding) === 'gzip';
}

/** The body gzip'd (in the thread pool, off the event loop), once per body. */
export function gzipOf(body: Buffer): Promise<Buffer> {
  let zipped = compressed.get(body);
  if (!zipped) {
    zipped = gzip(body);
    compressed.set(body, zipped);
    // A failure is not kept: the next request tries again.
    zipped.catch(() => compressed.delete(body));
  }
  return zipped;
}

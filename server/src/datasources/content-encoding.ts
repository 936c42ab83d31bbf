import zlib from 'node:zlib';
import { promisify } from 'node:util';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/** The encodings a web server in front of a source may use; undici's dispatch undoes none. */
const DECODERS: Record<string, (body: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflate,
  br: brotli,
};

export class UnreadableEncodingError extends Error {}
export class DecodedTooLargeError extends Error {}

/**
 * We ask sources for no compression (no Accept-Encoding), so Prometheus sends none; a proxy
 * in front may compress all the same. Its bytes were passed on as JSON (the explorer got
 * binary, a rule "not a Prometheus API answer (it begins "\u001f\u008b…")"); they are
 * decoded here, in the thread pool, to at most `maxBytes` (so a small compressed answer
 * cannot unpack past the bound the uncompressed one has).
 */
export async function decodeBody(encoding: string, body: Buffer, maxBytes: number): Promise<Buffer> {
  const name = encoding.trim().toLowerCase();
  if (name === '' || name === 'identity') return body;
  const decode = DECODERS[name];
  if (!decode) throw new UnreadableEncodingError(`answered with Content-Encoding "${encoding}", which is not read here (gzip, deflate and br are)`);
  try {
    return await decode(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecodedTooLargeError();
    throw new UnreadableEncodingError(`answered ${name}-encoded bytes that do not decode: ${(error as Error).message}`);
  }
}

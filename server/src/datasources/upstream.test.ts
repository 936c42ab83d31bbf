import http from 'node:http';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../testing/loopback-http.ts';
import { MAX_ANSWER_BYTES, UpstreamClient, UpstreamTooLargeError, upstreamResponse } from './upstream.ts';

describe('upstreamResponse', () => {
  it('joins several reads on first use and keeps one read as it is', () => {
    const reads = [Buffer.from('{"status":'), Buffer.from('"success"}')];
    const several = upstreamResponse(200, 'application/json', reads, 20);
    expect(several.body.toString()).toBe('{"status":"success"}');
    expect(several.body).toBe(several.body);
    const read = Buffer.from('{}');
    expect(upstreamResponse(200, 'application/json', [read], 2).body).toBe(read);
  });

  it('lets go of the reads on release: the array it was given is emptied and the body is empty', () => {
    const reads = [Buffer.from('abc'), Buffer.from('def')];
    const response = upstreamResponse(200, 'application/json', reads, 6);
    const sent = response.body;
    response.release();
    expect(reads).toHaveLength(0);
    expect(response.chunks).toHaveLength(0);
    expect(response.body.length).toBe(0);
    // What was handed out before keeps its bytes: release drops references, it does not overwrite.
    expect(sent.toString()).toBe('abcdef');
  });
});

describe('an answer compressed by something in front of the source', () => {
  it('is decoded (gzip, deflate, br), bounded after decoding, and an unknown encoding is named', async () => {
    const mebibyte = zlib.gzipSync(Buffer.alloc(2 ** 20, ' '));
    const answer = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } });
    const bodies: Record<string, [string, Buffer]> = {
      gzip: ['gzip', zlib.gzipSync(answer)],
      deflate: ['deflate', zlib.deflateSync(answer)],
      br: ['br', zlib.brotliCompressSync(answer)],
      // 65 gzip members of 1 MiB each (a few hundred KiB) that unpack past the 64 MiB an answer may have.
      bomb: ['gzip', Buffer.concat(Array.from({ length: MAX_ANSWER_BYTES / 2 ** 20 + 1 }, () => mebibyte))],
      zstd: ['zstd', Buffer.from('(\u00b5/\u00fd')],
    };
    const asked: Array<string | undefined> = [];
    const front = await listenOnLoopback(
      http.createServer((request, response) => {
        const [encoding, body] = bodies[new URL(request.url!, 'http://x').searchParams.get('query')!]!;
        // No Accept-Encoding is sent: compressing anyway is the front's doing.
        asked.push(request.headers['accept-encoding']);
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding }).end(body);
      }),
    );
    const client = new UpstreamClient({ url: front.url, credentials: null, tlsSkipVerify: false, timeoutSeconds: 10 });
    try {
      for (const encoding of ['gzip', 'deflate', 'br']) expect((await client.get('query', `query=${encoding}`)).body.toString(), encoding).toBe(answer);
      await expect(client.get('query', 'query=bomb')).rejects.toBeInstanceOf(UpstreamTooLargeError);
      await expect(client.get('query', 'query=zstd')).rejects.toThrow(/Content-Encoding "zstd", which is not read here/);
      expect(asked).toEqual([undefined, undefined, undefined, undefined, undefined]);
    } finally {
      client.close();
      await front.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { upstreamResponse } from './upstream.ts';

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

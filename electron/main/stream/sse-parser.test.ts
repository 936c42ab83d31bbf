import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.ts';

describe('SSE parser', () => {
  const text = ': heartbeat\n\nid: 1\nevent: alert\ndata: {"a":1}\n\nid: 2\r\nevent: samples\r\ndata: [1,\r\ndata: 2]\r\n\r\ndata:no-space\n\n';
  const expected = [
    { id: '1', event: 'alert', data: '{"a":1}' },
    { id: '2', event: 'samples', data: '[1,\n2]' },
    { id: '2', event: 'message', data: 'no-space' },
  ];

  it('parses whole streams', () => {
    expect(new SseParser().feed(text)).toEqual(expected);
  });

  it('gives the same events however the bytes are split', () => {
    for (let size = 1; size <= 7; size += 1) {
      const parser = new SseParser();
      const events = [];
      for (let start = 0; start < text.length; start += size) events.push(...parser.feed(text.slice(start, start + size)));
      expect(events, `chunks of ${size}`).toEqual(expected);
    }
  });

  it('keeps an incomplete event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.feed('id: 9\ndata: x\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual([{ id: '9', event: 'message', data: 'x' }]);
  });
});

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

  it('refuses an endless line or an endless event instead of holding it all', () => {
    const line = new SseParser(1_000);
    expect(() => {
      for (let i = 0; i < 100; i++) line.feed('data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    }).toThrow(expect.objectContaining({ code: 'E_PAYLOAD_TOO_LARGE' }));
    const event = new SseParser(1_000);
    expect(() => {
      for (let i = 0; i < 100; i++) event.feed('data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n');
    }).toThrow(expect.objectContaining({ code: 'E_PAYLOAD_TOO_LARGE' }));
    // Up to the limit, one event after another, is fine.
    const many = new SseParser(1_000);
    for (let i = 0; i < 1_000; i++) expect(many.feed('data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\n')).toHaveLength(1);
  });

  it('does not rescan a long line for every chunk of it', () => {
    const parser = new SseParser();
    const piece = 'x'.repeat(1_024);
    const started = performance.now();
    parser.feed('data: ');
    // 8 MiB in 1 KiB chunks: rescanning the line each time reads ~32 GiB.
    for (let i = 0; i < 8_192; i++) parser.feed(piece);
    const [event] = parser.feed('\n\n');
    expect(event?.data.length).toBe(8 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

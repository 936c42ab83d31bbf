import { describe, expect, it } from 'vitest';
import { restOf, tokenize, withoutMarkup } from './tokens.ts';

describe('tokenize', () => {
  it('splits a list written without spaces into words at their own places, each keeping its comma', () => {
    const text = 'cpu on db-1,db-2, then more';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.norm)).toEqual(['cpu', 'on', 'db-1', 'db-2', 'then', 'more']);
    expect(tokens.map((t) => t.raw)).toEqual(['cpu', 'on', 'db-1,', 'db-2,', 'then', 'more']);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.raw);
    expect(restOf(text, tokens, 3)).toBe('db-2, then more');
  });

  it('keeps a matcher\'s value, a number with thousands separators and a lone comma whole', () => {
    expect(tokenize('host=~a,b 1,000 x , y').map((t) => t.raw)).toEqual(['host=~a,b', '1,000', 'x', 'y']);
    expect(tokenize('ack 12,13,14').map((t) => t.norm)).toEqual(['ack', '12', '13', '14']);
    // A length with a decimal comma is one word ("1,5h"); a list of ids is not.
    expect(tokenize('for 1,5h').map((t) => t.norm)).toEqual(['for', '1,5h']);
    expect(tokenize('ack 1,5').map((t) => t.norm)).toEqual(['ack', '1', '5']);
  });

  it('strips a trailing per cent sign ("cpu%")', () => {
    expect(tokenize('cpu% on web-1').map((t) => t.norm)).toEqual(['cpu', 'on', 'web-1']);
  });

  it('splits an order\'s verb typed against its id ("ack12", "Resolve#7"), each part at its place; other words stay whole', () => {
    const text = 'Resolve#7 fixed';
    const tokens = tokenize(text);
    expect(tokens.map((t) => [t.raw, t.norm])).toEqual([['Resolve', 'resolve'], ['#7', '#7'], ['fixed', 'fixed']]);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.raw);
    expect(tokenize('ack12').map((t) => t.norm)).toEqual(['ack', '12']);
    expect(tokenize('web12 inc7 backup2').map((t) => t.norm)).toEqual(['web12', 'inc7', 'backup2']);
  });

  it('reads a line in Slack\'s bold or italics as its words, and a bot command\'s "!" as nothing', () => {
    expect(withoutMarkup('*ack 12*')).toBe('ack 12');
    expect(withoutMarkup('_*ack 12*_')).toBe('ack 12');
    // Struck through, a line is taken back; a pattern's star is the pattern's.
    expect(withoutMarkup('~ack 12~')).toBe('~ack 12~');
    expect(withoutMarkup('silence db-* for 1h')).toBe('silence db-* for 1h');
    // A whole line in a code block, and Slack's "(edited)" label on a copied message.
    expect(withoutMarkup('```ack 12 rolling back```')).toBe('ack 12 rolling back');
    expect(withoutMarkup('```\nack 12\n```')).toBe('ack 12');
    expect(withoutMarkup('ack 12 ``` a ``` b ```')).toBe('ack 12 ``` a ``` b ```');
    expect(withoutMarkup('ack 12 rolling back (edited)')).toBe('ack 12 rolling back');
    expect(tokenize('!ack 12').map((t) => t.norm)).toEqual(['ack', '12']);
  });

  it('reads one word in Slack\'s bold or italics as the word ("ack *12*"), and keeps a pattern\'s star ("db-*")', () => {
    expect(tokenize('ack *12* on _web-1_').map((t) => t.norm)).toEqual(['ack', '12', 'on', 'web-1']);
    expect(tokenize('silence db-* for 1h').map((t) => t.norm)).toEqual(['silence', 'db-*', 'for', '1h']);
  });

  it('ends a clause at a line break as a ";" does, its place in the text unchanged', () => {
    const tokens = tokenize('ack 12\nrestart nginx');
    expect(tokens.map((t) => t.raw)).toEqual(['ack', '12;', 'restart', 'nginx']);
    expect(tokens.map((t) => t.norm)).toEqual(['ack', '12', 'restart', 'nginx']);
    expect(tokens[1]).toMatchObject({ start: 4, end: 6 });
    expect(tokenize('note on 7:\nrolled back').map((t) => t.raw)).toEqual(['note', 'on', '7:', 'rolled', 'back']);
  });

  it('reads chat\'s "n" as "and", the word as typed kept', () => {
    const tokens = tokenize("mute web-1 n web-2 'n' db-1");
    expect(tokens.map((t) => t.norm)).toEqual(['mute', 'web-1', 'and', 'web-2', 'and', 'db-1']);
    expect(tokens[2]!.raw).toBe('n');
  });
});

import { describe, expect, it } from 'vitest';
import { InventoryIndex } from './inventory.ts';
import { tokenize } from './tokens.ts';
import { correctSpelling } from './spelling.ts';

const index = new InventoryIndex({
  targets: [{ name: 'web-1', label: 'host' }, { name: 'alerter', label: 'host' }],
  metrics: ['node_cpu_utilisation_ratio', 'node_memory_utilisation_ratio'],
  runbooks: [],
});
const read = (text: string) => correctSpelling(tokenize(text), index);

describe('correctSpelling', () => {
  it('reads a slip of one edit or one swap as the grammar word, keeping what was typed', () => {
    const { tokens, corrected } = read('resovle incdient 7');
    expect(tokens.map((t) => t.norm)).toEqual(['resolve', 'incident', '7']);
    expect(tokens.map((t) => t.raw)).toEqual(['resovle', 'incdient', '7']);
    expect(corrected).toBe(2);
    expect(read('critcal alrets').tokens.map((t) => t.norm)).toEqual(['critical', 'alerts']);
  });

  it('leaves other forms of a word, short words, known words, targets, metrics and hosts as typed', () => {
    // An edit at the end is a form, not a slip.
    expect(read('paged expired issue silencs').tokens.map((t) => t.norm)).toEqual(['paged', 'expired', 'issue', 'silencs']);
    // Common words one edit from the lexicon's are not read as it ("fired" is not "fixed").
    expect(read('what fired how is it doing').corrected).toBe(0);
    // Short words, a target of the inventory, a metric concept's near miss, a host name.
    expect(read('dsk alerter memroy web-2').corrected).toBe(0);
  });

  it('reads a short metric word with two neighbouring letters swapped, and no other slip of one', () => {
    expect(read('dsik laod sawp').tokens.map((t) => t.norm)).toEqual(['disk', 'load', 'swap']);
    expect(read('disc lead swab').corrected).toBe(0);
  });
});

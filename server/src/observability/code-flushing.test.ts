import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FLUSH_BASELINE_CODE_FLAG } from './code-flushing.ts';

describe('baseline code flushing', () => {
  it('uses a flag this Node knows (v8.setFlagsFromString would ignore an unknown one without a word)', () => {
    const known = spawnSync(process.execPath, [FLUSH_BASELINE_CODE_FLAG, '-e', '0'], { encoding: 'utf8' });
    expect(known.stderr).toBe('');
    expect(known.status).toBe(0);
    // The check can fail: Node refuses a flag V8 does not have.
    expect(spawnSync(process.execPath, [`${FLUSH_BASELINE_CODE_FLAG}-not-a-flag`, '-e', '0']).status).not.toBe(0);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RUNBOOK_FILE_BYTES, readRunbookFile } from './read-runbook-file.ts';

const folders: string[] = [];
function tempFile(name: string, content: string | Buffer): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-read-'));
  folders.push(folder);
  const file = path.join(folder, name);
  fs.writeFileSync(file, content);
  return file;
}
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

describe('readRunbookFile', () => {
  it('reads a runbook whole, byte for byte', () => {
    const source = 'id: restart-nginx\nname: Restart nginx — ünïcode\nsteps: []\n';
    expect(readRunbookFile(tempFile('a.yaml', source))).toEqual({ ok: true, source });
  });

  it('reads an empty file as empty', () => {
    expect(readRunbookFile(tempFile('empty.yaml', ''))).toEqual({ ok: true, source: '' });
  });

  it('reads exactly 1 MiB and refuses one byte more', () => {
    const atBound = readRunbookFile(tempFile('bound.yaml', Buffer.alloc(MAX_RUNBOOK_FILE_BYTES, 0x61)));
    expect(atBound.ok && atBound.source.length).toBe(MAX_RUNBOOK_FILE_BYTES);
    expect(readRunbookFile(tempFile('over.yaml', Buffer.alloc(MAX_RUNBOOK_FILE_BYTES + 1, 0x61)))).toMatchObject({ ok: false });
  });

  // A file longer than its fstat size, as one that grew after fstat: /proc files are
  // regular files that stat as 0 bytes and read as their content.
  it.runIf(fs.existsSync('/proc/self/status'))('reads past the size fstat gave when the file is longer', () => {
    const read = readRunbookFile('/proc/self/status');
    expect(read.ok).toBe(true);
    expect(read.ok && read.source).toContain('Name:');
  });
});

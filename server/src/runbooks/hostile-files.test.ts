import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_ADMIN_PASSWORD, startServerChild, type ServerChild } from '../testing/server-child.ts';
import type { RunbookList } from '../../../shared/api/runbooks.ts';

/** Nine levels of nine aliases each: 9^9 (387 M) strings once expanded ("billion laughs"). */
function aliasBomb(): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of 'bcdefghi') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return text;
}

/**
 * The real server (`main.ts`) on a runbook folder holding what nobody writes on purpose but a
 * folder can hold: a YAML alias bomb, a named pipe, a link to /dev/zero, a file far larger
 * than any runbook, thousands of anchors or of nested brackets, a folder and a symbolic link loop named `*.yaml`. The server must start,
 * load the good runbook, and list each bad one with a message; before, the bomb stopped
 * start-up with a stack trace, the pipe and /dev/zero held it for ever (the pipe without
 * a writer, /dev/zero filling memory), and a huge file was read whole.
 */
describe('a runbook folder holding hostile files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbooks-hostile-'));
  let server: ServerChild;

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'good.yaml'), 'id: good\ntitle: Good\nsteps:\n  - name: s\n    run: ["true"]\n');
    fs.writeFileSync(path.join(dir, 'bomb.yaml'), aliasBomb());
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    // Valid YAML all the way (a comment), 2 MiB.
    fs.writeFileSync(path.join(dir, 'huge.yaml'), `# ${'x'.repeat(2 * 1_048_576)}\n`);
    // 5,000 anchors: seconds of the yaml library's parse, quadratic in them (60,000 fit in 1 MiB: 110 s).
    fs.writeFileSync(path.join(dir, 'anchors.yaml'), Array.from({ length: 5000 }, (_, i) => `k${i}: &k${i} v`).join('\n'));
    fs.writeFileSync(path.join(dir, 'nested.yaml'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    fs.mkdirSync(path.join(dir, 'folder.yaml'));
    fs.symlinkSync('loop.yaml', path.join(dir, 'loop.yaml'));
    expect(spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]).status).toBe(0);
    server = await startServerChild({ SMARTCLOUDOPS_RUNBOOKS_DIR: dir });
  }, 180_000);

  afterAll(async () => {
    await server?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts, loads the good runbook and lists every bad file with what is wrong', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: CHILD_ADMIN_PASSWORD }) });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const response = await fetch(`${server.url}/api/v1/runbooks`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);
    const list = (await response.json()) as RunbookList;
    expect(list.runbooks.map((runbook) => runbook.id)).toEqual(['good']);
    const invalid = Object.fromEntries(list.invalid.map((entry) => [entry.file, entry.message]));
    expect(invalid['bomb.yaml']).toMatch(/aliases/);
    expect(invalid['zero.yaml']).toMatch(/not a regular file/);
    expect(invalid['pipe.yaml']).toMatch(/not a regular file/);
    expect(invalid['folder.yaml']).toMatch(/not a regular file/);
    expect(invalid['huge.yaml']).toMatch(/larger than 1 MiB/);
    expect(invalid['loop.yaml']).toMatch(/ELOOP/);
    expect(invalid['nested.yaml']).toMatch(/nested more than 64 deep/);
    expect(invalid['anchors.yaml']).toMatch(/more than 100 anchors/);
  });
});

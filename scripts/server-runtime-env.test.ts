import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allocatorOf, GLIBC_TUNABLES, JEMALLOC_CANDIDATES, jemallocEnv, serverProcessEnv, serverRuntimeEnv, V8_FLAGS } from './server-runtime-env.ts';

const LOADER = ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1'].find((file) => fs.existsSync(file));
const JEMALLOC = JEMALLOC_CANDIDATES.find((file) => fs.existsSync(file));

describe('the server runtime environment', () => {
  it('is the Docker image environment, with the library linked where the image looks for it', () => {
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
    for (const [name, value] of Object.entries(serverRuntimeEnv((file) => file === JEMALLOC_CANDIDATES[0]))) expect(dockerfile).toContain(`${name}=${value.includes(' ') ? `"${value}"` : value}`);
    expect(dockerfile).toMatch(/apt-get install [^\n]*libjemalloc2/);
    expect(dockerfile).toContain(`ln -s "/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2" ${JEMALLOC_CANDIDATES[0]}`);
  });

  it('takes jemalloc where it is installed and tuned glibc where it is not', () => {
    expect(serverRuntimeEnv((file) => file === JEMALLOC_CANDIDATES[2])).toEqual({ ...jemallocEnv(JEMALLOC_CANDIDATES[2]!), NODE_OPTIONS: V8_FLAGS });
    expect(serverRuntimeEnv(() => false)).toEqual({ GLIBC_TUNABLES, NODE_OPTIONS: V8_FLAGS });
    expect(allocatorOf(serverRuntimeEnv(() => false))).toBe('glibc (tuned)');
    expect(allocatorOf({})).toBe('glibc (defaults)');
  });

  it('leaves an operator its own settings', () => {
    expect(serverProcessEnv({ LD_PRELOAD: '' }).LD_PRELOAD ?? '').toBe('');
    expect(serverProcessEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=4' }).GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=4');
    expect(serverProcessEnv({}, { SMARTCLOUDOPS_WEB_ROOT: 'out/web' })).toMatchObject({ ...serverRuntimeEnv(), SMARTCLOUDOPS_WEB_ROOT: 'out/web' });
    // V8 takes a flag's last value: the operator's NODE_OPTIONS come after ours.
    expect(serverProcessEnv({ NODE_OPTIONS: '--max-semi-space-size=8 --trace-warnings' }).NODE_OPTIONS).toBe(`${V8_FLAGS} --max-semi-space-size=8 --trace-warnings`);
    expect(serverProcessEnv({}).NODE_OPTIONS).toBe(V8_FLAGS);
  });

  it('starts node with V8 flags it takes, and the last value of a flag wins', () => {
    const probe = `const s = require('v8').getHeapSpaceStatistics(); console.log(process.execArgv.length, typeof s)`;
    const run = spawnSync(process.execPath, ['-e', probe], { env: { ...process.env, NODE_OPTIONS: V8_FLAGS }, encoding: 'utf8' });
    // node refuses a flag NODE_OPTIONS may not carry ("is not allowed in NODE_OPTIONS") with exit code 9.
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // Young generation grown by a burst of short-lived objects: at most two semi-spaces of the size asked.
    const burst = `const v8 = require('v8'); let keep = []; let max = 0; for (let i = 0; i < 2e6; i++) { keep.push({ i }); if (keep.length > 100000) keep = []; if (i % 50000 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size); } console.log(max)`;
    const grown = (options: string) => Number(spawnSync(process.execPath, ['-e', burst], { env: { ...process.env, NODE_OPTIONS: options }, encoding: 'utf8' }).stdout.trim());
    const semiSpaceMiB = Number(/--max-semi-space-size=(\d+)/.exec(V8_FLAGS)![1]);
    expect(grown(V8_FLAGS)).toBeGreaterThan(0);
    expect(grown(V8_FLAGS)).toBeLessThanOrEqual(2 * semiSpaceMiB * 1_048_576);
    expect(grown(`${V8_FLAGS} --max-semi-space-size=4`)).toBeLessThanOrEqual(2 * 4 * 1_048_576);
  });

  // A preload that fails is only a warning on stderr, and the process runs on glibc.
  it.skipIf(JEMALLOC === undefined)('runs node on jemalloc, with the settings taken', () => {
    const probe = `const maps = require('fs').readFileSync('/proc/self/maps', 'utf8'); console.log(maps.includes('libjemalloc') ? 'jemalloc' : 'glibc')`;
    const run = spawnSync(process.execPath, ['-e', probe], { env: { ...process.env, ...jemallocEnv(JEMALLOC!), MALLOC_CONF: `${jemallocEnv(JEMALLOC!).MALLOC_CONF},abort_conf:true` }, encoding: 'utf8' });
    // abort_conf: jemalloc aborts on a setting it does not take, so a typo fails here.
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('jemalloc');
  });

  // glibc ignores a tunable it does not know without a word: its loader lists what it took.
  it.skipIf(LOADER === undefined)('names glibc tunables glibc takes, with the values meant', () => {
    const listed = spawnSync(LOADER!, ['--list-tunables'], { env: { GLIBC_TUNABLES }, encoding: 'utf8' });
    expect(listed.status).toBe(0);
    for (const setting of GLIBC_TUNABLES.split(':')) {
      const [name, value] = setting.split('=') as [string, string];
      const line = listed.stdout.split('\n').find((l) => l.startsWith(`${name}:`));
      expect(line, name).toBeDefined();
      expect(Number.parseInt(line!.split(':')[1]!.trim(), 16), name).toBe(Number(value));
    }
  });
});

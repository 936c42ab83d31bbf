import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serverProcessEnv } from '../../scripts/server-runtime-env.ts';

export const E2E_ADMIN_PASSWORD = 'e2e-admin-password-1';

export interface RunningServer {
  url: string;
  dataDir: string;
  /** The server's process id (benchmarks read its CPU time from /proc). */
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Builds the web console into out/web with the production settings the server serves. */
export function buildWebConsole(root: string): void {
  const result = spawnSync(path.join(root, 'node_modules/.bin/vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build of the web console failed');
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server at ${url} not ready after ${timeoutMs} ms`);
}

/** `node server/src/main.ts` on a free loopback port with a temporary data folder. */
export async function startServer(root: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-e2e-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['server/src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    // The allocator npm start and the image run the server on, so the browser suites run it too.
    env: {
      ...serverProcessEnv(process.env),
      SMARTCLOUDOPS_HOST: '127.0.0.1',
      SMARTCLOUDOPS_PORT: String(port),
      SMARTCLOUDOPS_DATA_DIR: dataDir,
      SMARTCLOUDOPS_WEB_ROOT: path.join(root, 'out/web'),
      SMARTCLOUDOPS_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      SMARTCLOUDOPS_LOG_LEVEL: 'warn',
      ...extraEnv,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return {
    url,
    dataDir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

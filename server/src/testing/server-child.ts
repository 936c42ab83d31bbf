import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './prometheus.ts';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

export const CHILD_ADMIN_PASSWORD = 'child-admin-password-1';

/** A real server process (`node server/src/main.ts`), for tests that must kill one with SIGKILL. */
export interface ServerChild {
  url: string;
  child: ChildProcess;
  /** SIGKILL, as a crashed node: no shutdown hook runs. Resolves once the process is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** `main`: the entry to run, the sources' main.ts unless a test runs the built server. */
export async function startServerChild(env: Record<string, string>, main = MAIN): Promise<ServerChild> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-child-'));
  const port = await freePort();
  let stderr = '';
  const child = spawn(process.execPath, [main], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      SMARTCLOUDOPS_HOST: '127.0.0.1',
      SMARTCLOUDOPS_PORT: String(port),
      SMARTCLOUDOPS_DATA_DIR: dataDir,
      SMARTCLOUDOPS_ADMIN_PASSWORD: CHILD_ADMIN_PASSWORD,
      SMARTCLOUDOPS_COLLECT_INTERVAL: '0',
      SMARTCLOUDOPS_LOG_LEVEL: 'warn',
      ...env,
    },
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${stderr}`);
    if (Date.now() > deadline) throw new Error(`server at ${url} not ready within 150 s:\n${stderr}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, child, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

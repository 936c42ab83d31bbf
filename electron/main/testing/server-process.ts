import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { routePath } from '../../../shared/api/client.ts';
import { authRoutes } from '../../../shared/api/auth.ts';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../server/src/main.ts');
export const SERVER_ADMIN_PASSWORD = 'process-admin-password-1';

/**
 * The real server in a child process on a fixed port and data folder, so a test can
 * SIGKILL it and start it again on the same address with the same data.
 */
export class ServerProcess {
  readonly dataDir: string;
  readonly port: number;
  #child: ChildProcess | undefined;

  constructor(dataDir: string, port: number) {
    this.dataDir = dataDir;
    this.port = port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        SMARTCLOUDOPS_HOST: '127.0.0.1',
        SMARTCLOUDOPS_PORT: String(this.port),
        SMARTCLOUDOPS_DATA_DIR: this.dataDir,
        SMARTCLOUDOPS_ADMIN_PASSWORD: SERVER_ADMIN_PASSWORD,
        SMARTCLOUDOPS_LOG_LEVEL: 'silent',
        SMARTCLOUDOPS_COLLECT_INTERVAL: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      let errors = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening on')) resolve();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        errors = (errors + chunk.toString()).slice(-4_000);
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${output}${errors}`)));
    });
  }

  /** kill -9: no shutdown hooks, no flushing. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async login(): Promise<string> {
    const response = await fetch(`${this.url}${routePath(authRoutes.login)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: SERVER_ADMIN_PASSWORD }),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  }
}

/** A port free right now on 127.0.0.1 (asked from the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// `npm start` after installation: builds the web console if missing and the server, starts it on its embedded
// defaults, and opens the desktop app where the Electron binary can run; otherwise says so
// and prints the URL of the web console that the server serves.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findElectronBinary } from './electron-binary.ts';
import { serverProcessEnv } from './server-runtime-env.ts';

function build(script: string, output?: string): void {
  if (output && existsSync(output)) return;
  if (output) console.log(`[start] npm run ${script}…`);
  const result = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

build('build:web', 'out/web/index.html');
// The server runs built, as in the image (scripts/build-server.ts says why); rebuilt at every
// start (about a second) so that it never runs older code than the sources.
build('build:server');
const electron = findElectronBinary();
if (electron.available) build('build', 'out/main/index.js');

const children: ChildProcess[] = [];
const server = spawn(process.execPath, ['out/server/main.js'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: serverProcessEnv(process.env, { SMARTCLOUDOPS_WEB_ROOT: 'out/web' }),
});
children.push(server);

let desktopStarted = false;
server.stdout!.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  const listening = /listening on (http:\/\/\S+)/.exec(chunk.toString());
  if (!listening || desktopStarted) return;
  desktopStarted = true;
  const url = listening[1]!;
  if (electron.available) {
    console.log(`[start] opening the desktop app (server ${url})`);
    children.push(spawn(electron.path, ['.'], { stdio: 'inherit', env: { ...process.env, SMARTCLOUDOPS_DEFAULT_SERVER: url } }));
  } else {
    console.log(`[start] desktop app not started: ${electron.reason}.`);
    console.log(`[start] web console: ${url}/`);
  }
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => children.forEach((child) => child.kill(signal)));
}
server.on('exit', (code) => {
  children.forEach((child) => child.kill());
  process.exit(code ?? 0);
});

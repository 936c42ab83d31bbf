// Builds the web console if needed, starts the server, and opens the desktop app where
// the Electron binary can run; otherwise prints the URL of the web console.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('out/web/index.html')) {
  console.log('[start] building the web console…');
  const build = spawnSync('npm', ['run', '--silent', 'build:web'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, ['server/src/main.ts'], {
  stdio: 'inherit',
  env: { SMARTCLOUDOPS_WEB_ROOT: 'out/web', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));

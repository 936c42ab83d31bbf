// The runbook's restart step: starts the victim in the background on the port of the
// instance given (`127.0.0.1:<port>`), records its pid, and returns once it answers.
// Usage: node start-victim.fixture.js <host:port> <pid file>
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [instance, pidFile] = process.argv.slice(2);
const port = instance.split(':')[1];
const child = spawn(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'victim.fixture.js'), port], { detached: true, stdio: 'ignore' });
child.unref();
fs.writeFileSync(pidFile, String(child.pid));
console.log(`started victim pid ${child.pid} on ${instance}`);
const deadline = Date.now() + 20_000;
for (;;) {
  try {
    if ((await fetch(`http://${instance}/health`)).ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    console.error('victim did not answer');
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.log('victim answers');

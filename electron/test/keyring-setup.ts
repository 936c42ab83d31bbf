import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    /** Null when a private Secret Service runs for this test run; otherwise why not. */
    secretServiceUnavailable: string | null;
  }
}

const KEYRING_PASSWORD = 'smartcloudops-test-keyring';

function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

async function firstLine(child: ChildProcess): Promise<string> {
  let buffered = '';
  for await (const chunk of child.stdout!) {
    buffered += String(chunk);
    const newline = buffered.indexOf('\n');
    if (newline >= 0) return buffered.slice(0, newline).trim();
  }
  throw new Error('dbus-daemon exited before printing its address');
}

function secretsNameOwned(env: NodeJS.ProcessEnv): boolean {
  const reply = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], { env, encoding: 'utf8' });
  return reply.status === 0 && reply.stdout.includes('boolean true');
}

/**
 * Starts a private D-Bus session bus and an unlocked gnome-keyring in it, so the keytar
 * tests store secrets in a real Secret Service without touching the developer's own
 * keyring. Test workers inherit DBUS_SESSION_BUS_ADDRESS.
 */
export default async function setUpKeyring(project: TestProject): Promise<() => Promise<void>> {
  const missing = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'].filter((command) => !commandExists(command));
  if (missing.length > 0) {
    project.provide('secretServiceUnavailable', `no Secret Service can be started: ${missing.join(', ')} not installed (scripts/install-system-deps.sh installs them)`);
    return async () => {};
  }

  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-keyring-'));
  const runtime = path.join(home, 'run');
  fs.mkdirSync(runtime, { mode: 0o700 });
  const children: ChildProcess[] = [];
  const tearDown = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    fs.rmSync(home, { recursive: true, force: true });
  };

  try {
    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', `--address=unix:path=${path.join(runtime, 'bus')}`], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(bus);
    const address = await firstLine(bus);
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_RUNTIME_DIR: runtime };

    const keyring = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--foreground'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(keyring);
    keyring.stdin!.end(KEYRING_PASSWORD);
    // Ready once it owns the Secret Service name on our bus.
    for (let attempt = 0; !secretsNameOwned(env); attempt += 1) {
      if (keyring.exitCode !== null) throw new Error(`gnome-keyring-daemon exited with ${keyring.exitCode}`);
      if (attempt === 400) throw new Error('gnome-keyring-daemon never took the org.freedesktop.secrets name');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.env.DBUS_SESSION_BUS_ADDRESS = address;
    project.provide('secretServiceUnavailable', null);
  } catch (error) {
    await tearDown();
    project.provide('secretServiceUnavailable', `the private Secret Service did not start: ${(error as Error).message}`);
    return async () => {};
  }
  return tearDown;
}

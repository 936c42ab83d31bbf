import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { INVOKE_CHANNELS } from '../../../shared/ipc/contract.ts';
import { createHandle, registerHandlers, type InvokeEvent, type IpcHandlers, type IpcMainLike } from './handle.ts';
import { createSenderPolicy, type SenderFrame } from './sender-policy.ts';

/** Electron's ipcMain reduced to its contract: one listener per channel, invoked with an event. */
class ChannelTable implements IpcMainLike {
  readonly listeners = new Map<string, (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void {
    if (this.listeners.has(channel)) throw new Error(`second handler for ${channel}`);
    this.listeners.set(channel, listener);
  }
  invoke(channel: string, frame: SenderFrame | null, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener({ senderFrame: frame, sender: { id: 7 } }, ...args);
  }
}

const consoleFrame: SenderFrame = { url: 'app://console/index.html', parent: null };

function setUp() {
  const ipcMain = new ChannelTable();
  const problems: string[] = [];
  const handle = createHandle({
    ipcMain,
    isTrustedSender: createSenderPolicy(['app://console']),
    onProblem: (channel, problem) => problems.push(`${channel}: ${problem}`),
  });
  return { ipcMain, handle, problems };
}

describe('the IPC handle() wrapper', () => {
  it('passes a valid request from the console to the handler and wraps the answer', async () => {
    const { ipcMain, handle } = setUp();
    handle('app.openExternal', (request, context) => {
      expect(request).toEqual({ url: 'https://example.com/' });
      expect(context.senderId).toBe(7);
      return null;
    });
    await expect(ipcMain.invoke('app.openExternal', consoleFrame, { url: 'https://example.com/' })).resolves.toEqual({ ok: true, value: null });
  });

  it('refuses a malformed payload without calling the handler', async () => {
    const { ipcMain, handle, problems } = setUp();
    let called = false;
    handle('connections.add', () => {
      called = true;
      throw new Error('unreachable');
    });
    const result = (await ipcMain.invoke('connections.add', consoleFrame, { name: 'prod', url: 'javascript:alert(1)' })) as { ok: boolean; error: { code: string; details: unknown[] } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('E_VALIDATION');
    expect(result.error.details.length).toBeGreaterThan(0);
    await expect(ipcMain.invoke('connections.add', consoleFrame, { name: 'a', url: 'https://a.example' }, 'extra')).resolves.toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    await expect(ipcMain.invoke('connections.add', consoleFrame)).resolves.toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(called).toBe(false);
    expect(problems).toHaveLength(3);
  });

  it('refuses foreign origins, sub-frames and destroyed frames', async () => {
    const { ipcMain, handle } = setUp();
    let calls = 0;
    handle('app.openExternal', () => {
      calls += 1;
      return null;
    });
    const request = { url: 'https://example.com/' };
    const foreign: SenderFrame[] = [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/index.html', parent: null },
      { url: 'app://console.evil/index.html', parent: null },
      { url: 'app://console/frame.html', parent: consoleFrame },
    ];
    for (const frame of [...foreign, null]) {
      await expect(ipcMain.invoke('app.openExternal', frame, request)).resolves.toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    }
    expect(calls).toBe(0);
  });

  it('keeps the catalogue code of an AppError and hides the text of anything else', async () => {
    const { ipcMain, handle } = setUp();
    handle('connections.remove', () => {
      throw new AppError('E_NOT_FOUND', 'No such connection.');
    });
    handle('connections.list', () => {
      throw new Error('EACCES: /home/someone/.config/secret');
    });
    await expect(ipcMain.invoke('connections.remove', consoleFrame, { id: 'nope' })).resolves.toEqual({
      ok: false,
      error: { code: 'E_NOT_FOUND', message: 'No such connection.' },
    });
    const hidden = (await ipcMain.invoke('connections.list', consoleFrame, undefined)) as { error: { code: string; message: string } };
    expect(hidden.error).toEqual({ code: 'E_INTERNAL', message: 'Internal error.' });
  });

  it('says that the local cache could not be written (disk full, locked), not "Internal error", and no path', async () => {
    const { ipcMain, handle } = setUp();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-handle-'));
    const file = path.join(dir, 'profile.db');
    const ours = new Database(file, { timeout: 0 });
    ours.exec('CREATE TABLE pins (id INTEGER PRIMARY KEY)');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      handle('cache.release', () => {
        ours.prepare('INSERT INTO pins (id) VALUES (1)').run();
        return null;
      });
      const answer = (await ipcMain.invoke('cache.release', consoleFrame, { incidentId: 1 })) as { ok: boolean; error: { code: string; message: string; details?: unknown } };
      expect(answer.error).toMatchObject({ code: 'E_STORAGE_FULL', details: { code: 'SQLITE_BUSY' } });
      expect(answer.error.message).toMatch(/local cache could not be written \(another process holds it\)/);
      expect(JSON.stringify(answer)).not.toContain(dir);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      ours.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not let a handler answer outside the contract', async () => {
    const { ipcMain, handle, problems } = setUp();
    handle('app.info', () => ({ name: 'x' }) as never);
    await expect(ipcMain.invoke('app.info', consoleFrame, undefined)).resolves.toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
    expect(problems).toEqual(['app.info: handler answered outside the contract']);
  });

  it('registers a handler for every call channel of the contract', () => {
    const { ipcMain, handle } = setUp();
    const handlers = Object.fromEntries(Object.keys(INVOKE_CHANNELS).map((name) => [name, () => null])) as unknown as IpcHandlers;
    registerHandlers(handle, handlers);
    expect([...ipcMain.listeners.keys()].sort()).toEqual(Object.keys(INVOKE_CHANNELS).sort());
  });
});

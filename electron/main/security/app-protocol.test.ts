import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentTypeOf, resolveAppAsset } from './app-protocol.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-renderer-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('app:// path resolution', () => {
  it('serves files below the renderer folder and the index for routes', () => {
    expect(resolveAppAsset(root, 'app://console/index.html')).toEqual({ kind: 'file', path: path.join(root, 'index.html') });
    expect(resolveAppAsset(root, 'app://console/')).toEqual({ kind: 'file', path: path.join(root, 'index.html') });
    expect(resolveAppAsset(root, 'app://console/assets/main-1a2b.js?v=1')).toEqual({ kind: 'file', path: path.join(root, 'assets', 'main-1a2b.js') });
    expect(resolveAppAsset(root, 'app://console/incidents/42')).toEqual({ kind: 'file', path: path.join(root, 'index.html') });
    expect(resolveAppAsset(root, 'app://console/fonts/Inter%20Var.woff2')).toEqual({ kind: 'file', path: path.join(root, 'fonts', 'Inter Var.woff2') });
  });

  it('refuses every way out of the folder', () => {
    const attempts = [
      'app://console/../../etc/passwd',
      'app://console/%2e%2e/%2e%2e/etc/passwd',
      'app://console/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://console/..%5c..%5csecret.txt',
      'app://console/a\\..\\..\\secret.txt',
      'app://console/index.html%00.png',
      'app://console/%E0%A4%A.js',
      'app://console/./index.html',
      'app://console/assets/%2E%2E/index.html',
    ];
    for (const attempt of attempts) expect(resolveAppAsset(root, attempt).kind, attempt).toBe('refused');
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppAsset(root, 'app://elsewhere/index.html')).toEqual({ kind: 'refused', status: 403 });
    expect(resolveAppAsset(root, 'file:///etc/passwd')).toEqual({ kind: 'refused', status: 403 });
    expect(resolveAppAsset(root, 'not a url')).toEqual({ kind: 'refused', status: 400 });
  });

  it('names content types so nothing is sniffed', () => {
    expect(contentTypeOf('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('/x/app.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/x/blob')).toBe('application/octet-stream');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'electron-builder';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Configuration & Record<string, unknown>;

function pngSize(file: string): { width: number; height: number } {
  const header = fs.readFileSync(file).subarray(0, 24);
  expect(header.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: header.readUInt32BE(16), height: header.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('passes electron-builder\'s own schema validation', async () => {
    const quietLogger = { isEnabled: false, add: () => {} } as unknown as Parameters<typeof validateConfiguration>[1];
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
  });

  it('hardens the Electron fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs into an asar with the native modules unpacked and nothing rebuilt', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/keytar/**']));
    expect(config.npmRebuild).toBe(false);
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**']));
  });

  it('registers the deep link scheme and builds every target', () => {
    expect(config.protocols).toEqual([expect.objectContaining({ schemes: ['smartcloudops'] })]);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg', 'zip']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.appId).toBe('io.smartcloudops.console');
    expect(config.productName).toBe('SmartCloudOps');
  });

  it('publishes to GitHub Releases of the repository package.json names (the updater reads the same config)', () => {
    expect(config.publish).toMatchObject({ provider: 'github', releaseType: 'draft' });
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository: { url: string } };
    expect(manifest.repository.url).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  });

  it('ships every package main and the preload import, and nothing excluded that they need', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const sources = fs.readdirSync(path.join(root, 'electron'), { recursive: true, encoding: 'utf8' })
      .filter((file) => /^(main|preload)\//.test(file) && file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('/testing/'));
    const imported = new Set<string>();
    for (const file of sources) {
      const text = fs.readFileSync(path.join(root, 'electron', file), 'utf8');
      for (const [, specifier] of text.matchAll(/(?:from |import\()'([^.'][^']*)'/g)) {
        if (specifier!.startsWith('node:') || specifier === 'electron') continue;
        const [scope, name] = specifier!.split('/');
        imported.add(scope!.startsWith('@') ? `${scope}/${name}` : scope!);
      }
    }
    expect([...imported].sort()).toContain('keytar');
    const excluded = (config.files as string[]).filter((pattern) => pattern.startsWith('!node_modules/')).join(' ');
    for (const name of imported) {
      expect(manifest.dependencies, `${name} must be a production dependency`).toHaveProperty([name]);
      expect(excluded, `${name} is excluded from the package`).not.toMatch(new RegExp(`[{,/]${name.replace('/', '\\/')}[,}/]`));
    }
  });

  it('points at real icons', () => {
    expect(pngSize(path.join(root, 'resources/icon.png'))).toEqual({ width: 1024, height: 1024 });
    expect(pngSize(path.join(root, 'resources/icons/512x512.png'))).toEqual({ width: 512, height: 512 });
    expect(pngSize(path.join(root, 'resources/tray.png'))).toEqual({ width: 16, height: 16 });
    expect(pngSize(path.join(root, 'resources/tray@2x.png'))).toEqual({ width: 32, height: 32 });
  });

  it('builds the main entry that package.json names', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(manifest.main).toBe('out/main/index.js');
    expect(manifest.scripts.build).toBe('electron-vite build');
  });
});

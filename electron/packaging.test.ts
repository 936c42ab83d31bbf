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

  it('publishes updates to a generic https feed', () => {
    expect(config.publish).toMatchObject({ provider: 'generic', url: expect.stringMatching(/^https:\/\//) });
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

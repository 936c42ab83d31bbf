// Renders the app and tray icons in resources/ from their SVG sources with Chromium, so
// the PNGs electron-builder and the tray use are always the SVGs' exact rendering.
// Run after editing an SVG: `node scripts/render-icons.ts` (CHROMIUM_PATH overrides /usr/bin/chromium).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const resources = path.resolve(import.meta.dirname, '../resources');
const outputs: Array<{ source: string; file: string; size: number }> = [
  { source: 'icon.svg', file: 'icon.png', size: 1024 },
  { source: 'icon.svg', file: 'icons/512x512.png', size: 512 },
  { source: 'icon.svg', file: 'icons/256x256.png', size: 256 },
  { source: 'icon.svg', file: 'icons/128x128.png', size: 128 },
  { source: 'icon.svg', file: 'icons/64x64.png', size: 64 },
  { source: 'icon.svg', file: 'icons/32x32.png', size: 32 },
  { source: 'tray.svg', file: 'tray.png', size: 16 },
  { source: 'tray.svg', file: 'tray@2x.png', size: 32 },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  for (const { source, file, size } of outputs) {
    const svg = fs.readFileSync(path.join(resources, source), 'utf8').replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`);
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    const target = path.join(resources, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await page.locator('svg').screenshot({ path: target, omitBackground: true });
    console.log(`${file} ${size}x${size}`);
  }
} finally {
  await browser.close();
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A web root with a built console (index.html, assets/) and a folder outside it holding a secret a link must not reach. */
export interface WebRootFixture {
  webRoot: string;
  outside: string;
  remove(): void;
}

export function makeWebRoot(indexHtml: string, assets: Record<string, string>): WebRootFixture {
  const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-web-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'OUTSIDE SECRET');
  fs.mkdirSync(path.join(webRoot, 'assets'));
  fs.writeFileSync(path.join(webRoot, 'index.html'), indexHtml);
  for (const [name, text] of Object.entries(assets)) fs.writeFileSync(path.join(webRoot, 'assets', name), text);
  return {
    webRoot,
    outside,
    remove() {
      fs.rmSync(webRoot, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    },
  };
}

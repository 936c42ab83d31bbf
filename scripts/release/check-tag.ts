import fs from 'node:fs';

// `node scripts/release/check-tag.ts v1.2.3`: electron-builder publishes to the release
// named after package.json's version, so a tag that says otherwise would publish to a
// release nobody tagged. Stop before building.
const tag = process.argv[2] ?? '';
const { version } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
if (tag !== `v${version}`) {
  console.log(`::error title=Version mismatch::tag ${tag || '(none)'} does not match package.json version ${version} (expected v${version})`);
  process.exit(1);
}
console.log(`Releasing ${tag}.`);

import fs from 'node:fs';
import { signingPlan, type ReleasePlatform } from './signing-plan.ts';

// `node scripts/release/signing.ts <linux|mac|win>` in the release workflow, before packaging.
const platform = process.argv[2] as ReleasePlatform;
if (!['linux', 'mac', 'win'].includes(platform)) {
  console.error('usage: node scripts/release/signing.ts <linux|mac|win>');
  process.exit(2);
}
const plan = signingPlan(platform, process.env);
for (const line of plan.log) console.log(line);
if (plan.error) {
  console.log(plan.error);
  process.exit(1);
}
const lines = Object.entries(plan.env).map(([name, value]) => `${name}=${value}\n`).join('');
if (lines && process.env.GITHUB_ENV) fs.appendFileSync(process.env.GITHUB_ENV, lines);
else if (lines) process.stdout.write(lines);

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES } from '../../../shared/auth/permissions.ts';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/server.md');

describe('docs/server.md permission table', () => {
  it('matches shared/auth/permissions.ts exactly', () => {
    const rows = fs
      .readFileSync(DOC, 'utf8')
      .split('\n')
      .filter((line) => /^\| `[a-z]+:[a-z]+` \|/.test(line))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
    expect(rows.map(([permission]) => permission!.slice(1, -1))).toEqual([...PERMISSIONS]);
    for (const [permission, ...marks] of rows) {
      const documented = ROLES.filter((_, i) => marks[i] === '✓');
      const actual = ROLES.filter((role) => ROLE_PERMISSIONS[role].has(permission!.slice(1, -1) as (typeof PERMISSIONS)[number]));
      expect(documented, permission).toEqual(actual);
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { featureCycles } from './check-feature-cycles.ts';

// Proves that eslint.config.js enforces the boundaries of docs/architecture.md: each case
// lints a would-be file in a folder and expects the import to be refused.
const eslint = new ESLint();

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
    ['shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['shared/x.ts', "import React from 'react';\nexport const a = React;\n"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"],
    ['renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
    ['renderer/src/x.ts', "import { buildServer } from '../../server/src/app.ts';\nexport const a = buildServer;\n"],
    ['server/src/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['server/src/x.ts', "import { App } from '../../renderer/src/App.tsx';\nexport const a = App;\n"],
    ['electron/main/x.ts', "import React from 'react';\nexport const a = React;\n"],
    ['renderer/src/features/alerts/x.ts', "import { ROUTES } from '../../app/routes.tsx';\nexport const a = ROUTES;\n"],
    ['renderer/src/components/x.ts', "import { theme } from '../app/theme.ts';\nexport const a = theme;\n"],
    ['renderer/src/features/alerts/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
  ])('refuses the import in %s: %s', async (file, code) => {
    expect(await importErrors(file, code)).not.toEqual([]);
  });

  it('allows what each side may use', async () => {
    expect(await importErrors('shared/x.ts', "import { Type } from 'typebox';\nexport const a = Type;\n")).toEqual([]);
    expect(await importErrors('server/src/x.ts', "import fs from 'node:fs';\nimport { AppError } from '../../shared/errors.ts';\nexport const a = [fs, AppError];\n")).toEqual([]);
    expect(await importErrors('renderer/src/x.ts', "import { AppError } from '../../shared/errors.ts';\nexport const a = AppError;\n")).toEqual([]);
    expect(await importErrors('renderer/src/features/alerts/x.ts', "import { formatAge } from '../../lib/format.ts';\nexport const a = formatAge;\n")).toEqual([]);
    expect(await importErrors('renderer/src/app/x.ts', "import { AlertsView } from '../features/alerts/AlertsView.tsx';\nexport const a = AlertsView;\n")).toEqual([]);
  });
});

describe('feature folders', () => {
  /** Writes a would-be server tree and answers the feature cycles the lint step would report. */
  async function cyclesOf(files: Record<string, string>): Promise<string[][]> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'feature-cycles-'));
    try {
      for (const [file, code] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), code);
      }
      return (await featureCycles(root)).map((cycle) => cycle.folders);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  it('refuses two features that import each other through different files', async () => {
    const cycles = await cyclesOf({
      'alerts/service.ts': "import { link } from '../incidents/linker.ts';\nexport const ingest = () => link();\n",
      'alerts/store.ts': 'export const alertsOf = () => [];\n',
      'incidents/linker.ts': 'export const link = () => 1;\n',
      'incidents/service.ts': "import { alertsOf } from '../alerts/store.ts';\nexport const detail = () => alertsOf();\n",
    });
    expect(cycles).toEqual([['alerts', 'incidents']]);
  }, 120_000);

  it('refuses a longer loop, type-only imports included', async () => {
    const cycles = await cyclesOf({
      'auth/a.ts': "import type { B } from '../users/b.ts';\nexport type A = B;\n",
      'users/b.ts': "import type { C } from '../api-keys/c.ts';\nexport type B = C;\n",
      'api-keys/c.ts': "import type { A } from '../auth/a.ts';\nexport type C = A | number;\n",
    });
    expect(cycles).toEqual([['api-keys', 'auth', 'users']]);
  }, 120_000);

  it('allows one-way dependencies, shared core folders and the real server tree', async () => {
    expect(await cyclesOf({
      'core/actor.ts': "import { x } from '../alerts/x.ts';\nexport const actor = x;\n",
      'alerts/x.ts': "import { actor } from '../core/actor.ts';\nexport const x = 1;\nexport const y = actor;\n",
      'incidents/y.ts': "import { x } from '../alerts/x.ts';\nexport const y = x;\n",
    })).toEqual([]);
    expect(await featureCycles('server/src')).toEqual([]);
  }, 120_000);
});

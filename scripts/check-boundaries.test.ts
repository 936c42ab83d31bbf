import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

// Proves that eslint.config.js enforces the process boundaries of DESIGN.md §2: each case
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
  ])('refuses the import in %s: %s', async (file, code) => {
    expect(await importErrors(file, code)).not.toEqual([]);
  });

  it('allows what each side may use', async () => {
    expect(await importErrors('shared/x.ts', "import { Type } from 'typebox';\nexport const a = Type;\n")).toEqual([]);
    expect(await importErrors('server/src/x.ts', "import fs from 'node:fs';\nimport { AppError } from '../../shared/errors.ts';\nexport const a = [fs, AppError];\n")).toEqual([]);
    expect(await importErrors('renderer/src/x.ts', "import { AppError } from '../../shared/errors.ts';\nexport const a = AppError;\n")).toEqual([]);
  });
});

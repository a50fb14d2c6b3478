import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { join } from 'node:path';

/** The layer rules of docs/architecture.md are enforced by ESLint; prove each one bites. */
const eslint = new ESLint({ cwd: join(__dirname, '..', '..') });

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('core/ may not import Node, Electron or other layers', async () => {
  assert.equal((await importErrors('src/core/protocol/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).length, 1);
  assert.equal((await importErrors('src/core/codecs/x.ts', "import { Session } from '../../main/session/session';\nexport const a = Session;\n")).length, 1);
  assert.equal((await importErrors('src/core/codecs/x.ts', "import { BufferReader } from '../protocol/buffer-reader';\nexport const a = BufferReader;\n")).length, 0);
});

test('the renderer may not import main/, preload/ or electron', async () => {
  assert.equal((await importErrors('src/renderer/x.ts', "import { Session } from '../main/session/session';\nexport const a = Session;\n")).length, 1);
  assert.equal((await importErrors('src/renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).length, 1);
  assert.equal((await importErrors('src/renderer/x.ts', "import { net } from 'node:net';\nexport const a = net;\n")).length, 1);
});

test('only src/main/electron/ imports electron', async () => {
  assert.equal((await importErrors('src/main/session/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).length, 1);
  assert.equal((await importErrors('src/main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).length, 0);
});

// Against the real binary (skipped when none is found): the notes list the
// quick pick asks the server for, and the LSP shapes this extension sends —
// settings as initializationOptions and as {"pyexplain": {...}} (replaced
// wholesale: a cleared list is cleared), the openNote argument, and the
// window/showDocument request the server answers with.
//
// The binary: $PYEXPLAIN_PATH, server/pyexplain, PATH, or
// {release,debug}/pyexplain under $CARGO_TARGET_DIR (else the repository's
// target/).

import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  createProtocolConnection,
  ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

import { COURSE_MAP_COMMAND, CourseMapResult, courseMapArguments } from '../src/courseMap';
import { NOTES_COMMAND, notesArguments, openNoteArgument, parseNotes } from '../src/notes';
import { resolveServer } from '../src/serverPath';
import { ConfigGetter, didChangeConfigurationParams, initializationOptions } from '../src/settings';

const extensionDir = path.resolve(__dirname, '..', '..');
const repoTarget = process.env.CARGO_TARGET_DIR
  ? path.resolve(process.env.CARGO_TARGET_DIR)
  : path.resolve(extensionDir, '..', '..', 'target');

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function findBinary(): string | undefined {
  const r = resolveServer({
    env: process.env,
    extensionPath: extensionDir,
    platform: process.platform,
    homeDir: os.homedir(),
    isExecutable,
  });
  if (r.ok && r.server.source !== 'cargo') {
    return r.server.command;
  }
  const exe = process.platform === 'win32' ? 'pyexplain.exe' : 'pyexplain';
  const built = ['release', 'debug'].map((p) => path.join(repoTarget, p, exe)).find(isExecutable);
  return built ?? (r.ok ? r.server.command : undefined);
}

const binary = findBinary();
const skip = binary
  ? false
  : `no pyexplain binary (set PYEXPLAIN_PATH, or build it with \`cargo build\`: looked in ${repoTarget})`;

function config(values: Record<string, unknown>): ConfigGetter {
  return (key) => values[key];
}

let child: ChildProcess | undefined;
let conn: ProtocolConnection | undefined;
let tmp = '';
const diagnostics: { uri: string; diagnostics: { code?: unknown; message: string }[] }[] = [];
const shown: { uri: string; takeFocus?: boolean; selection?: unknown }[] = [];
const logs: string[] = [];

// Hovers answer from what is ready until the server has compiled the notes'
// triggers, which it logs once (`pyexplain: notes ready ...`).
function notesReady(): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10000;
    const poll = () => {
      if (logs.some((m) => m.startsWith('pyexplain: notes ready'))) {
        resolve();
      } else if (Date.now() > deadline) {
        reject(new Error('no "notes ready" log message'));
      } else {
        setTimeout(poll, 10);
      }
    };
    poll();
  });
}

function nextDiagnostics(uri: string): Promise<{ code?: unknown; message: string }[]> {
  const seen = diagnostics.length;
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10000;
    const poll = () => {
      const d = diagnostics.slice(seen).find((p) => p.uri === uri);
      if (d) {
        resolve(d.diagnostics);
      } else if (Date.now() > deadline) {
        reject(new Error('no publishDiagnostics'));
      } else {
        setTimeout(poll, 10);
      }
    };
    poll();
  });
}

before(() => {
  if (!binary) {
    return;
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pyexplain-vscode-'));
  child = spawn(binary, ['server'], {
    env: {
      ...process.env,
      XDG_CACHE_HOME: path.join(tmp, 'cache'),
      XDG_DATA_HOME: path.join(tmp, 'data'),
      LANG: 'C',
      LC_ALL: '',
      LC_MESSAGES: '',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.onNotification('textDocument/publishDiagnostics', (p: (typeof diagnostics)[number]) => {
    diagnostics.push(p);
  });
  conn.onRequest('window/showDocument', (p: (typeof shown)[number]) => {
    shown.push(p);
    return { success: true };
  });
  conn.onNotification('window/showMessage', () => undefined);
  conn.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  conn.listen();
});

after(async () => {
  if (conn) {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    conn.dispose();
  }
  if (child && child.exitCode === null) {
    await new Promise((r) => {
      const t = setTimeout(() => {
        child!.kill();
        r(undefined);
      }, 3000);
      child!.once('exit', () => {
        clearTimeout(t);
        r(undefined);
      });
    });
  }
  if (tmp) {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the server takes our initializationOptions and {"pyexplain": {...}} changes', { skip }, async () => {
  const c = conn!;
  const init = await c.sendRequest<{ capabilities: { executeCommandProvider?: { commands: string[] } } }>('initialize', {
    processId: process.pid,
    rootUri: null,
    locale: 'en',
    capabilities: { window: { showDocument: { support: true } } },
    initializationOptions: initializationOptions(config({ language: 'en', 'hover.enable': true, 'hover.verbosity': 'full' })),
  });
  assert.deepEqual(init.capabilities.executeCommandProvider?.commands, [
    'pyexplain.openNote',
    'pyexplain.markLearned',
    'pyexplain.unmarkLearned',
    COURSE_MAP_COMMAND,
    'pyexplain.notes',
  ]);
  await c.sendNotification('initialized', {});

  const file = path.join(tmp, 'demo.py');
  const text = 'def gen():\n    yield from range(3)\n\nif x is 1:\n    pass\n';
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  let diags = nextDiagnostics(uri);
  await c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  const first = await diags;
  assert.ok(first.some((d) => d.code === 'is-literal'), JSON.stringify(first));
  const english = first.find((d) => d.code === 'is-literal')!.message;

  const hoverAt = { textDocument: { uri }, position: { line: 1, character: 6 } };
  await notesReady();
  const hover = await c.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', hoverAt);
  assert.ok(hover && hover.contents.value.includes('§'), JSON.stringify(hover));

  // Chinese, is-literal ignored, hovers off: one didChangeConfiguration.
  diags = nextDiagnostics(uri);
  await c.sendNotification(
    'workspace/didChangeConfiguration',
    didChangeConfigurationParams(config({ language: 'zh', ignore: ['is-literal'], 'hover.enable': false })),
  );
  assert.ok(!(await diags).some((d) => d.code === 'is-literal'));
  assert.equal(await c.sendRequest('textDocument/hover', hoverAt), null);

  diags = nextDiagnostics(uri);
  await c.sendNotification(
    'workspace/didChangeConfiguration',
    didChangeConfigurationParams(config({ language: 'zh', select: ['is-literal'], ignore: ['dangling-task'] })),
  );
  const zh = (await diags).find((d) => d.code === 'is-literal');
  assert.ok(zh, 'is-literal back once no longer ignored');
  assert.notEqual(zh.message, english);

  // Ignored, then the list cleared in the settings: the extension leaves
  // the key out and the server forgets it (no restart needed).
  diags = nextDiagnostics(uri);
  await c.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(config({ ignore: ['is-literal'] })));
  assert.ok(!(await diags).some((d) => d.code === 'is-literal'));
  const cleared = didChangeConfigurationParams(config({ ignore: [] }));
  assert.equal('ignore' in cleared.settings.pyexplain, false);
  diags = nextDiagnostics(uri);
  await c.sendNotification('workspace/didChangeConfiguration', cleared);
  assert.ok((await diags).some((d) => d.code === 'is-literal'), 'a cleared ignore is cleared');
});

test('pyexplain.notes answers the quick pick list, in both languages', { skip }, async () => {
  const c = conn!;
  const titles: Record<string, string> = {};
  for (const lang of ['en', 'zh'] as const) {
    const notes = parseNotes(await c.sendRequest('workspace/executeCommand', { command: NOTES_COMMAND, arguments: notesArguments(lang) }));
    // The course's 74 sections, then the supplement (S.1, S.2, ...) last.
    assert.equal(notes.filter((n) => !n.section.startsWith('S.')).length, 74);
    assert.ok(notes.some((n) => n.section.startsWith('S.')));
    assert.equal(notes[notes.length - 1].section.split('.')[0], 'S');
    for (const n of notes) {
      assert.match(n.section, /^(\d+|S)\.\d+$/);
      assert.ok(n.id.length > 0 && n.title.length > 0 && n.summary.length > 0, JSON.stringify(n));
    }
    titles[lang] = notes.find((n) => n.id === 'everything-is-object')!.title;
  }
  assert.equal(titles.en, 'Everything is an object');
  assert.notEqual(titles.zh, titles.en);
  // No argument: the server's language (the settings say `auto`, the locale is `en`).
  const plain = parseNotes(await c.sendRequest('workspace/executeCommand', { command: NOTES_COMMAND, arguments: notesArguments(undefined) }));
  assert.equal(plain.find((n) => n.id === 'everything-is-object')!.title, titles.en);
});

/** Waits (at most 10 s) for `done()`. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('pyexplain.openNote with the quick pick argument sends window/showDocument', { skip }, async () => {
  const c = conn!;
  const notes = parseNotes(await c.sendRequest('workspace/executeCommand', { command: NOTES_COMMAND, arguments: notesArguments('en') }));
  const note = notes.find((n) => n.id === 'everything-is-object')!;
  const result = await c.sendRequest<{ uri: string; path: string; line: number }>('workspace/executeCommand', {
    command: 'pyexplain.openNote',
    arguments: [openNoteArgument(note, 'en')],
  });
  // The server asks to show the file after answering (it never waits for
  // the client inside a request).
  await until(() => shown.length >= 1);
  assert.equal(shown.length, 1);
  assert.equal(shown[0].uri, result.uri);
  assert.equal(shown[0].takeFocus, true);
  assert.ok(result.path.startsWith(path.join(tmp, 'cache')), result.path);
  assert.match(fs.readFileSync(result.path, 'utf8').split('\n')[result.line], /Everything is an object/);
});

test('inlay hints follow pyexplain.inlayHints.enable', { skip }, async () => {
  const c = conn!;
  const file = path.join(tmp, 'hints.py');
  const text = 'def gen():\n    yield 1\n';
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  await c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  const params = { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } } };
  await c.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(config({ language: 'en' })));
  assert.deepEqual(await c.sendRequest('textDocument/inlayHint', params), []);
  await c.sendNotification(
    'workspace/didChangeConfiguration',
    didChangeConfigurationParams(config({ language: 'en', 'inlayHints.enable': true })),
  );
  assert.deepEqual(await c.sendRequest('textDocument/inlayHint', params), [
    { position: { line: 0, character: 9 }, label: 'generator', paddingLeft: true },
  ]);
});

test('pyexplain.courseMap with the folder argument sends window/showDocument', { skip }, async () => {
  const c = conn!;
  const ws = path.join(tmp, 'ws');
  fs.mkdirSync(ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'gen.py'), 'def delegate():\n    yield from range(3)\n');
  const before = shown.length;
  const result = await c.sendRequest<CourseMapResult>('workspace/executeCommand', {
    command: COURSE_MAP_COMMAND,
    arguments: courseMapArguments([pathToFileURL(ws).href]),
  });
  await until(() => shown.length >= before + 1);
  assert.equal(shown.length, before + 1);
  assert.equal(shown[before].uri, result.uri);
  assert.equal(result.shown, true);
  assert.ok(result.path.startsWith(path.join(tmp, 'cache')), result.path);
  assert.equal(fs.readFileSync(result.path, 'utf8'), result.markdown);
  assert.match(result.markdown, /\| 1 \| \[gen\.py:2\]\(<file:\/\/[^>]*\/ws\/gen\.py#L2>\) \|/);
});

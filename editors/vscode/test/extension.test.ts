// dist/extension.js (the real bundle, with vscode-languageclient) under a mock
// `vscode`, against the real server: activation, commands, the quick pick,
// window/showDocument, the course map, live settings and restart. Skipped without a binary.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Mock, installMockVscode } from './mockVscode';

const dist = path.resolve(__dirname, '..');
const exe = process.platform === 'win32' ? 'pyexplain.exe' : 'pyexplain';
const binary = [
  process.env.PYEXPLAIN_PATH,
  ...['release', 'debug'].map((p) => path.resolve(dist, '..', '..', '..', 'target', p, exe)),
].find((p) => p && fs.existsSync(p));
const skip = binary ? false : 'no pyexplain binary (build it with `cargo build --release`)';
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pyexplain-vscode-ext-'));

after(() => fs.rmSync(cache, { recursive: true, force: true }));

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(ok(), what);
};

test('the bundle activates, opens notes from the quick pick and restarts', { skip, timeout: 60000 }, async () => {
  process.env.XDG_CACHE_HOME = cache; // the server writes its note files there
  process.env.XDG_DATA_HOME = path.join(cache, 'data'); // and learned.json there
  const mock = installMockVscode();
  mock.settings['server.path'] = binary;
  mock.settings['trace.server'] = 'verbose';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(path.join(dist, 'extension.js'));
  const subscriptions: { dispose(): unknown }[] = [];
  try {
    await ext.activate({ extensionPath: path.resolve(dist, '..'), subscriptions });
    await exercise(mock);
  } finally {
    // Stop the server even when an assertion failed, or the process hangs.
    await ext.deactivate();
    subscriptions.forEach((s) => s.dispose());
  }
});

async function exercise(mock: Mock): Promise<void> {
  // Ours, and the server's command registered by vscode-languageclient.
  assert.deepEqual(Object.keys(mock.commands).sort(), [
    'pyexplain.courseMap',
    'pyexplain.markLearned',
    'pyexplain.notes',
    'pyexplain.openNote',
    'pyexplain.openNoteQuickPick',
    'pyexplain.resetLearned',
    'pyexplain.restart',
    'pyexplain.setLanguage',
    'pyexplain.showCourseMap',
    'pyexplain.unmarkLearned',
  ]);
  const log = () => mock.output.join('');
  assert.match(log(), /"initializationOptions": \{\s*"language": "auto"/);

  let items: { label: string; kind?: number }[] = [];
  mock.pick = (its) => {
    items = its;
    return its.find((i: { label: string }) => i.label.startsWith('§12.6 '));
  };
  await mock.commands['pyexplain.openNoteQuickPick']();
  assert.equal(items[0].label, 'Chapter 2');
  assert.equal(items[0].kind, -1);
  assert.match(items[1].label, /^§2\.1 /);
  // The server asks to show the note after answering the command.
  await until('the note shown', () => mock.shown.length >= 1);
  assert.equal(mock.shown.length, 1, mock.messages.join('\n'));
  assert.ok(mock.shown[0].uri.startsWith(`file://${cache}/pyexplain/`), mock.shown[0].uri);
  assert.match(mock.shown[0].uri, /\/en\/ch12\.md$/);
  assert.equal(mock.shown[0].options.preserveFocus, false);

  // "Course map" on the open folder: the server writes the map next to the
  // notes and has it shown.
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pyexplain-vscode-ws-'));
  try {
    fs.writeFileSync(path.join(ws, 'a.py'), 'async def main():\n    await g()\n');
    const wsUri = `file://${ws}`;
    mock.folders = [{ uri: { scheme: 'file', fsPath: ws, toString: () => wsUri }, name: 'ws', index: 0 }];
    await mock.commands['pyexplain.showCourseMap']();
    await until('the map shown', () => mock.shown.length >= 2);
    assert.equal(mock.shown.length, 2, mock.messages.join('\n'));
    assert.ok(mock.shown[1].uri.startsWith(`file://${cache}/pyexplain/`), mock.shown[1].uri);
    assert.match(mock.shown[1].uri, /\/course-map-[0-9a-f]{16}\.md$/);
    const map = fs.readFileSync(fileURLToPath(mock.shown[1].uri), 'utf8');
    assert.match(map, /^# Course map\n\n1 of 74 sections in 1 file\n/);
    assert.ok(map.includes(`\`async-await\` | 2 | [a.py:1](<${wsUri}/a.py#L1>) |`), map);
    assert.deepEqual(mock.untitled, [], 'shown by the server, not opened as untitled');
  } finally {
    mock.folders = undefined;
    fs.rmSync(ws, { recursive: true, force: true });
  }

  // Live: {"pyexplain": {...}} on the wire; the quick pick follows the language.
  mock.change({ language: 'zh', 'hover.verbosity': 'brief', ignore: ['is-literal'] });
  await until('didChangeConfiguration sent', () => /Sending notification 'workspace\/didChangeConfiguration'/.test(log()));
  assert.match(
    log(),
    /"settings": \{\s*"pyexplain": \{\s*"language": "zh",\s*"hover": \{\s*"enable": true,\s*"verbosity": "brief"\s*\},\s*"inlayHints": \{\s*"enable": false\s*\},\s*"ignore": \[\s*"is-literal"\s*\]/,
  );
  mock.pick = (its) => {
    items = its;
    return undefined;
  };
  await mock.commands['pyexplain.openNoteQuickPick']();
  assert.equal(items[0].label, '第 2 章');

  // Clearing `ignore` restarts the server (it cannot forget a rule list).
  const starts = () => log().split('pyexplain: starting').length - 1;
  assert.equal(starts(), 1);
  mock.change({ ignore: [] });
  await until('restart after clearing ignore', () => starts() === 2);

  await mock.commands['pyexplain.restart']();
  assert.equal(starts(), 3);
  assert.ok(mock.commands['pyexplain.openNote'], 're-registered after restart');
  assert.deepEqual(mock.messages, []);

  // "Mark §N.M as learned" runs the server's command (registered by the
  // language client); "Show full notes again" forgets every mark.
  const learned = path.join(cache, 'data', 'pyexplain', 'learned.json');
  await mock.commands['pyexplain.markLearned']({ note: 'yield-from', section: '12.6' });
  assert.deepEqual(JSON.parse(fs.readFileSync(learned, 'utf8')).learned, ['yield-from']);
  await mock.commands['pyexplain.resetLearned']();
  assert.deepEqual(JSON.parse(fs.readFileSync(learned, 'utf8')).learned, []);
  await until('the reset is confirmed', () => mock.messages.length > 0);
  // In Chinese: the language was switched to zh above.
  assert.equal(mock.messages[0], 'info: pyexplain：所有章节都重新显示完整笔记。');
  mock.messages.length = 0;

  // A missing binary: an error naming the setting, no client.
  mock.change({ 'server.path': '/nonexistent/pyexplain' });
  await until('error shown', () => mock.messages.length > 0);
  assert.match(mock.messages[0], /setting pyexplain\.server\.path is "\/nonexistent\/pyexplain"/);
  assert.equal(mock.commands['pyexplain.openNote'], undefined);
}

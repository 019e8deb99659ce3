// dist/extension.js (the real bundle, with vscode-languageclient) under a mock
// `vscode`, against the real server: activation, the language-status item,
// commands, the quick pick served by the server, window/showDocument, the
// course map, live settings, notification levels, logs and server info,
// restart, and a missing, failing or crashing server. Skipped without a
// binary (scripts/test always has one).

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Mock, StatusItem, installMockVscode } from './mockVscode';

const dist = path.resolve(__dirname, '..');
const exe = process.platform === 'win32' ? 'pyexplain.exe' : 'pyexplain';
// $PYEXPLAIN_PATH, else {release,debug}/pyexplain under $CARGO_TARGET_DIR
// (else the repository's target/).
const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(process.env.CARGO_TARGET_DIR)
  : path.resolve(dist, '..', '..', '..', 'target');
const binary = [process.env.PYEXPLAIN_PATH, ...['release', 'debug'].map((p) => path.join(targetDir, p, exe))].find(
  (p) => p && fs.existsSync(p),
);
const skip = binary
  ? false
  : `no pyexplain binary (set PYEXPLAIN_PATH, or build it with \`cargo build\`: looked in ${targetDir})`;
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pyexplain-vscode-ext-'));

after(() => fs.rmSync(cache, { recursive: true, force: true }));

/** Waits (at most `seconds`, 15 by default) for `ok()`. */
const until = async (what: string, ok: () => boolean, seconds = 15) => {
  for (let i = 0; i < seconds * 100 && !ok(); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(ok(), what);
};

test('the bundle against the real server', { skip, timeout: 120000 }, async () => {
  process.env.XDG_CACHE_HOME = cache; // the server writes its note files there
  process.env.XDG_DATA_HOME = path.join(cache, 'data'); // and learned.json there
  const mock = installMockVscode();
  mock.settings['server.path'] = binary;
  mock.settings['trace.server'] = 'verbose';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(path.join(dist, 'extension.js')) as {
    activate(context: { extensionPath: string; subscriptions: { dispose(): unknown }[] }): Promise<void>;
    deactivate(): Promise<void>;
  };
  const subscriptions: { dispose(): unknown }[] = [];
  try {
    await ext.activate({ extensionPath: path.resolve(dist, '..'), subscriptions });
    await exercise(mock);
  } finally {
    // Stop the server even when an assertion failed, or the process hangs.
    await ext.deactivate();
    subscriptions.forEach((s) => s.dispose());
  }
  // Nothing the extension started keeps running once it is deactivated, so
  // this process can exit: vscode-languageclient's own stop timers end
  // within 5 s, but a server that died in the middle of a message used to
  // leave vscode-jsonrpc's partial-message timer re-arming every 10 s for
  // ever (the "dying server" case below).
  const left = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'ProcessWrap');
  await until('no timer or process left', () => left().length === 0, 12);
});

async function exercise(mock: Mock): Promise<void> {
  // Ours, and the server's commands registered by vscode-languageclient.
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
    'pyexplain.showLogs',
    'pyexplain.showServerInfo',
    'pyexplain.unmarkLearned',
  ]);
  const log = () => mock.output.join('');
  assert.match(log(), /"initializationOptions": \{\s*"language": "auto"/);

  // The language-status item: state, version, language; it opens the logs.
  const version = execFileSync(binary!, ['--version'], { encoding: 'utf8' }).trim().replace(/^pyexplain /, '');
  assert.equal(mock.statusItems.length, 1);
  const status = mock.statusItems[0];
  await until('the status says running', () => status.text.startsWith('pyexplain 0'));
  assert.equal(status.text, `pyexplain ${version.split(' ')[0]}`);
  assert.equal(status.detail, 'English (en)', 'auto follows the (mock) display language');
  assert.equal(status.severity, 0);
  assert.equal(status.busy, false);
  assert.equal(status.name, 'pyexplain');
  assert.deepEqual(status.command, { title: 'Show logs', command: 'pyexplain.showLogs' });

  // "Open course note…": the running server lists the notes (no CLI).
  let items: { label: string; kind?: number }[] = [];
  mock.pick = (its: { label: string; kind?: number }[]) => {
    items = its;
    return its.find((i) => i.label.startsWith('§12.6 '));
  };
  await mock.commands['pyexplain.openNoteQuickPick']();
  assert.match(log(), /"command": "pyexplain\.notes",\s*"arguments": \[\s*\{\s*"lang": "en"\s*\}/);
  assert.equal(items[0].label, 'Chapter 2');
  assert.equal(items[0].kind, -1);
  assert.match(items[1].label, /^§2\.1 /);
  // The server asks to show the note after answering the command.
  await until('the note shown', () => mock.shown.length >= 1);
  assert.equal(mock.shown.length, 1, mock.messages.join('\n'));
  assert.ok(mock.shown[0].uri.startsWith(`file://${cache}/pyexplain/`), mock.shown[0].uri);
  assert.match(mock.shown[0].uri, /\/en\/ch12\.md$/);
  assert.equal((mock.shown[0].options as { preserveFocus?: boolean }).preserveFocus, false);

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

  // A Jupyter notebook: its Python cells go to the server with
  // notebookDocument/didOpen (the markdown cell does not), analysed as one
  // module; the diagnostics come back on each cell's URI.
  const nbUri = 'file:///tmp/pyexplain-vscode/lesson.ipynb';
  const cell = (n: number, kind: number, languageId: string, text: string) => ({
    kind,
    metadata: {},
    document: {
      uri: { scheme: 'vscode-notebook-cell', fsPath: '', toString: () => `vscode-notebook-cell:/tmp/lesson.ipynb#C${n}` },
      languageId,
      version: 1,
      getText: () => text,
    },
  });
  const cells = [
    cell(0, 1, 'markdown', '# Defaults'),
    cell(1, 2, 'python', '%matplotlib inline\nclass Box:\n    pass'),
    cell(2, 2, 'python', 'def put(item, into=[]):\n    into.append(Box())'),
  ];
  mock.openNotebook({
    uri: { scheme: 'file', fsPath: '/tmp/pyexplain-vscode/lesson.ipynb', toString: () => nbUri },
    notebookType: 'jupyter-notebook',
    version: 1,
    metadata: {},
    getCells: () => cells,
  });
  const cellDiagnostics = (n: number) => mock.diagnostics.get(`vscode-notebook-cell:/tmp/lesson.ipynb#C${n}`);
  await until('the cells\' diagnostics', () => cellDiagnostics(1) !== undefined && cellDiagnostics(2) !== undefined);
  assert.equal(cellDiagnostics(2), 1, 'the mutable default, in its cell');
  assert.equal(cellDiagnostics(1), 0, 'nothing in the magic');
  assert.equal(cellDiagnostics(0), undefined, 'markdown is not sent');
  assert.match(log(), /Sending notification 'notebookDocument\/didOpen'/);
  // Hovers (and code actions) are asked for in Python cells too.
  assert.ok(
    mock.hoverSelectors.some(
      (s) =>
        Array.isArray(s) &&
        (s as { notebookType?: string; language?: string }[]).some(
          (f) => f.notebookType === 'jupyter-notebook' && f.language === 'python',
        ),
    ),
    JSON.stringify(mock.hoverSelectors),
  );
  assert.ok(!log().includes('lesson.ipynb#C0'), 'the markdown cell is not synced');

  // Live: {"pyexplain": {...}} on the wire; the status and the quick pick
  // follow the language.
  const sent = () => log().split("Sending notification 'workspace/didChangeConfiguration'").length - 1;
  mock.change({ language: 'zh', 'hover.verbosity': 'brief', ignore: ['is-literal'] });
  await until('didChangeConfiguration sent', () => sent() === 1);
  assert.match(
    log(),
    /"settings": \{\s*"pyexplain": \{\s*"language": "zh",\s*"hover": \{\s*"enable": true,\s*"verbosity": "brief",\s*"level": "usage",\s*"repeat": "brief"\s*\},\s*"inlayHints": \{\s*"enable": false\s*\},\s*"ignore": \[\s*"is-literal"\s*\]/,
  );
  assert.equal(status.detail, '中文 (zh)');
  mock.pick = (its: { label: string; kind?: number }[]) => {
    items = its;
    return undefined;
  };
  await mock.commands['pyexplain.openNoteQuickPick']();
  assert.equal(items[0].label, '第 2 章');

  // Clearing `ignore` sends settings without it (the server replaces its
  // settings wholesale): no restart.
  const starts = () => log().split('pyexplain: starting').length - 1;
  assert.equal(starts(), 1);
  mock.change({ ignore: [] });
  await until('the cleared ignore sent', () => sent() === 2);
  const last = log().slice(log().lastIndexOf("Sending notification 'workspace/didChangeConfiguration'"));
  const params = last.slice(0, last.indexOf('\n\n'));
  assert.match(params, /"language": "zh"/);
  assert.doesNotMatch(params, /"ignore"/);
  assert.equal(starts(), 1, 'not restarted');

  await mock.commands['pyexplain.restart']();
  assert.equal(starts(), 2);
  assert.ok(mock.commands['pyexplain.openNote'], 're-registered after restart');
  assert.deepEqual(mock.messages, []);

  // "Mark §N.M as learned" runs the server's command (registered by the
  // language client); "Show full notes again" forgets every mark and the
  // server says so (window/showMessage, info).
  const learned = path.join(cache, 'data', 'pyexplain', 'learned.json');
  const marks = () => (JSON.parse(fs.readFileSync(learned, 'utf8')) as { learned: string[] }).learned;
  await mock.commands['pyexplain.markLearned']({ note: 'yield-from', section: '12.6' });
  assert.deepEqual(marks(), ['yield-from']);
  await mock.commands['pyexplain.resetLearned']();
  assert.deepEqual(marks(), []);
  await until('the reset is confirmed', () => mock.messages.length > 0);
  // In Chinese: the language was switched to zh above.
  const resetMessage = 'pyexplain：所有章节都重新显示完整笔记。';
  assert.deepEqual(mock.messages, [`info: ${resetMessage}`]);

  // pyexplain.notifications = warning: the same message is logged, not shown.
  mock.messages.length = 0;
  mock.notifications.length = 0;
  mock.change({ notifications: 'warning' });
  const logged = () => log().split(resetMessage).length - 1;
  const before = logged();
  await mock.commands['pyexplain.markLearned']({ note: 'yield-from', section: '12.6' });
  await mock.commands['pyexplain.resetLearned']();
  await until('the reset is logged', () => logged() > before);
  assert.deepEqual(mock.messages, []);
  mock.change({ notifications: 'info' });

  // "Show logs" and "Show server info".
  const shownBefore = mock.logShown;
  await mock.commands['pyexplain.showLogs']();
  assert.equal(mock.logShown, shownBefore + 1);
  mock.answer = (n) => (n.items.includes('Show Logs') ? 'Show Logs' : undefined);
  await mock.commands['pyexplain.showServerInfo']();
  assert.equal(mock.notifications.length, 1);
  const info = mock.notifications[0];
  assert.equal(info.severity, 'info');
  assert.equal(info.options?.modal, true);
  assert.deepEqual(info.options?.detail?.split('\n').slice(0, 4), [
    'state: running',
    `version: ${version}`,
    `binary: ${binary} (from setting pyexplain.server.path)`,
    'language: 中文 (zh)',
  ]);
  assert.match(info.options?.detail ?? '', /settings sent: \{"language":"zh",/);
  assert.equal(mock.logShown, shownBefore + 2, '"Show Logs" in the message opens the log');
  mock.answer = () => undefined;
  mock.notifications.length = 0;
  mock.messages.length = 0;

  await crashes(mock, status);
  await failures(mock, status);
}

/** `--version` like pyexplain; as a server: answers initialize, reads up to
 * the `initialized` notification, writes the start of a message and exits 4. */
const DYING_SERVER = `#!/usr/bin/env python3
import json, sys
if sys.argv[1:] == ["--version"]:
    print("pyexplain 0.1.0")
    sys.exit(0)
def read():
    length = 0
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            sys.exit(5)
        if line in (b"\\r\\n", b"\\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(sys.stdin.buffer.read(length))
def write(data):
    sys.stdout.buffer.write(b"Content-Length: %d\\r\\n\\r\\n" % len(data) + data)
    sys.stdout.buffer.flush()
request = read()
write(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": {"capabilities": {}}}).encode())
while read().get("method") != "initialized":
    pass
sys.stdout.buffer.write(b'Content-Length: 500\\r\\n\\r\\n{"jsonrpc": "2.0", ')
sys.stdout.buffer.flush()
sys.exit(4)
`;

/** A server that crashes while running is restarted (4 times in 3 minutes),
 * then left stopped with a message naming how it ended. */
async function crashes(mock: Mock, status: StatusItem): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyexplain-vscode-crash-'));
  const pidFile = path.join(dir, 'pid');
  const wrapper = path.join(dir, 'pyexplain-wrapper');
  // The wrapper becomes the server (exec), so its pid is the server's.
  fs.writeFileSync(wrapper, `#!/bin/sh\necho $$ > '${pidFile}'\nexec '${binary}' "$@"\n`, { mode: 0o755 });
  const pid = () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0);
  try {
    mock.change({ 'server.path': wrapper });
    // A server killed between `initialize` and `initialized` is a failed
    // start, not a crash (and makes vscode-languageclient 9 reject a promise
    // nobody handles): each is killed once it asked to watch pyproject.toml,
    // which it does on `initialized`.
    const registrations = () => mock.output.join('').split("Received request 'client/registerCapability").length - 1;
    const before = registrations();
    for (let crash = 1; crash <= 5; crash++) {
      await until(`server ${crash} running`, () => pid() > 0 && status.text.startsWith('pyexplain 0') && registrations() >= before + crash);
      const victim = pid();
      fs.rmSync(pidFile);
      process.kill(victim, 'SIGKILL');
      if (crash < 5) {
        await until(`restarted after crash ${crash}`, () => pid() > 0 && pid() !== victim);
      }
    }
    await until('the give-up message', () => mock.notifications.length > 0);
    const n = mock.notifications[0];
    assert.equal(n.severity, 'error');
    assert.match(n.message, new RegExp(`the server ${wrapper} was killed by SIGKILL 5 times in 3 minutes and is not restarted`));
    assert.deepEqual(n.items, ['Open Settings', 'Show Logs']);
    assert.equal(status.text, 'pyexplain: server failed');
    assert.equal(status.severity, 2);
    assert.equal(pid(), 0, 'not restarted a fifth time');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    mock.notifications.length = 0;
    mock.messages.length = 0;
  }
}

/** A server that exits at once, and a missing binary: an error with "Open
 * Settings", the status item in error; `notifications: off` only logs. */
async function failures(mock: Mock, status: StatusItem): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyexplain-vscode-fail-'));
  const failing = path.join(dir, 'failing-server');
  fs.writeFileSync(failing, '#!/bin/sh\necho "cannot start" >&2\nexit 3\n', { mode: 0o755 });
  try {
    mock.answer = (n) => (n.items.includes('Open Settings') ? 'Open Settings' : undefined);
    mock.change({ 'server.path': failing });
    await until('the failure said', () => mock.notifications.length > 0);
    const n = mock.notifications[0];
    assert.equal(n.severity, 'error');
    assert.equal(
      n.message,
      `pyexplain: the server ${failing} (from setting pyexplain.server.path) cannot run: \`${failing} --version\` exited with code 3: cannot start`,
    );
    assert.deepEqual(n.items, ['Open Settings', 'Show Logs']);
    await until('the settings opened', () => mock.executed.some((e) => e.id === 'workbench.action.openSettings'));
    assert.deepEqual(mock.executed.find((e) => e.id === 'workbench.action.openSettings')?.args, ['pyexplain.server.path']);
    assert.equal(status.text, 'pyexplain: server failed');
    assert.equal(status.severity, 2);
    assert.match(status.detail ?? '', /exited with code 3/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // A server that dies in the middle of a message once running (here one
  // that answers initialize, waits for `initialized`, then stops half-way
  // through its next message): restarted, then given up with how it ended;
  // nothing of it is left behind (checked at the end of the test).
  const partial = fs.mkdtempSync(path.join(os.tmpdir(), 'pyexplain-vscode-partial-'));
  const dying = path.join(partial, 'dying-server');
  fs.writeFileSync(dying, DYING_SERVER, { mode: 0o755 });
  try {
    mock.notifications.length = 0;
    mock.change({ 'server.path': dying });
    await until('the dying server given up', () => mock.notifications.length > 0);
    assert.equal(
      mock.notifications[0].message,
      `pyexplain: the server ${dying} exited with code 4 5 times in 3 minutes and is not restarted`,
    );
    assert.equal(mock.output.join('').split('the server exited with code 4; restarting it').length - 1, 4);
    assert.equal(status.text, 'pyexplain: server failed');
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }

  // A binary that runs but is not pyexplain.
  mock.notifications.length = 0;
  mock.change({ 'server.path': '/bin/echo' });
  await until('the wrong binary said', () => mock.notifications.length > 0);
  assert.match(mock.notifications[0].message, /^pyexplain: the server \/bin\/echo \(from setting pyexplain\.server\.path\) cannot run: \/bin\/echo is not pyexplain \(`--version` printed "/);

  // A missing binary: an error naming the setting, no client.
  mock.notifications.length = 0;
  mock.messages.length = 0;
  mock.change({ 'server.path': '/nonexistent/pyexplain' });
  await until('error shown', () => mock.messages.length > 0);
  assert.match(mock.messages[0], /setting pyexplain\.server\.path is "\/nonexistent\/pyexplain"/);
  assert.deepEqual(mock.notifications[0].items, ['Open Settings', 'Show Logs']);
  assert.equal(mock.commands['pyexplain.openNote'], undefined);
  assert.equal(status.text, 'pyexplain: no server');
  assert.equal(status.severity, 2);
  assert.match(status.detail ?? '', /\/nonexistent\/pyexplain/);

  // notifications: off — nothing pops up, the log has it.
  mock.notifications.length = 0;
  mock.change({ notifications: 'off', 'server.path': '/nonexistent/other' });
  await until('logged', () => mock.output.join('').includes('"/nonexistent/other"'));
  assert.deepEqual(mock.notifications, []);
  assert.match(status.detail ?? '', /\/nonexistent\/other/);
}

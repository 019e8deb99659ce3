// pyexplain for VS Code: starts `pyexplain server` for Python files, keeps its
// settings in sync, shows its state in a language-status item and adds
// "Open course note…", "Course map", "Set language…", "Restart server",
// "Show full notes again", "Show logs" and "Show server info". Hovers,
// diagnostics, quick fixes, inlay hints and the "📖 §N.M" / "Mark §N.M as
// learned" code actions come from the server through vscode-languageclient,
// which also registers the server's commands (`pyexplain.openNote`,
// `pyexplain.markLearned`, `pyexplain.unmarkLearned`, `pyexplain.courseMap`,
// `pyexplain.notes`) and handles the `window/showDocument` request
// `openNote` answers with (the note opens in a tab).

import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  MessageTransports,
  MessageType,
  ServerOptions,
  ShowMessageNotification,
  State,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageclient/node';

import { COURSE_MAP_COMMAND, courseMapArguments, fallbackMarkdown } from './courseMap';
import { Note, noteLanguage, NOTES_COMMAND, notesArguments, openNoteArgument, parseNotes, pickEntries } from './notes';
import { describeSource, resolveServer, bundledPath, ResolvedServer, Resolution } from './serverPath';
import { didChangeConfigurationParams, initializationOptions, serverSettings, ServerSettings } from './settings';
import {
  describeExit,
  notificationLevel,
  parseVersion,
  Phase,
  ServerStatus,
  serverInfoLines,
  Severity,
  shows,
  statusView,
} from './status';

const SECTION = 'pyexplain';
const OPEN_NOTE_COMMAND = 'pyexplain.openNote';
const UNMARK_LEARNED_COMMAND = 'pyexplain.unmarkLearned';
const OPEN_SETTINGS = 'Open Settings';
const SHOW_LOGS = 'Show Logs';
/** A running server that crashes more often than this in 3 minutes is not
 * restarted again. */
const MAX_RESTARTS = 4;
/**
 * Python files, and the Python cells of Jupyter notebooks: the server
 * declares notebook sync for `jupyter-notebook`, so vscode-languageclient
 * sends those cells with `notebookDocument/*` (analysed together as one
 * module) and asks for hovers and code actions in them.
 */
const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { notebook: 'jupyter-notebook', language: 'python' },
];

let extensionPath = '';
let output: vscode.LogOutputChannel;
let statusItem: vscode.LanguageStatusItem | undefined;
let client: LanguageClient | undefined;
let server: ResolvedServer | undefined;
let sentSettings: ServerSettings | undefined;
let phase: Phase = 'starting';
let problem: string | undefined;
/** The process of the current client, and how it ended (once it has). */
let child: ChildProcess | undefined;
let childExit: Promise<string> | undefined;
/** Serializes start/stop/restart. */
let lifecycle: Promise<unknown> = Promise.resolve();

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function get(key: string): unknown {
  return config().get(key);
}

function currentLanguage(): 'zh' | 'en' | undefined {
  return noteLanguage(get('language'), vscode.env.language);
}

function status(): ServerStatus {
  return {
    phase,
    version: client?.initializeResult?.serverInfo?.version,
    command: server?.command,
    source: server ? describeSource(server.source) : undefined,
    language: currentLanguage(),
    problem,
  };
}

function statusSeverity(s: Severity): vscode.LanguageStatusSeverity {
  return s === 'error'
    ? vscode.LanguageStatusSeverity.Error
    : s === 'warning'
      ? vscode.LanguageStatusSeverity.Warning
      : vscode.LanguageStatusSeverity.Information;
}

function setPhase(next: Phase, why?: string): void {
  phase = next;
  problem = why;
  updateStatus();
}

function updateStatus(): void {
  if (!statusItem) {
    return;
  }
  const view = statusView(status());
  statusItem.text = view.text;
  statusItem.detail = view.detail;
  statusItem.severity = statusSeverity(view.severity);
  statusItem.busy = view.busy;
}

/** Logs a message and, if `pyexplain.notifications` lets it, shows it with
 * `actions`; "Open Settings" and "Show Logs" are handled here. */
async function notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined> {
  const text = message.startsWith('pyexplain') ? message : `pyexplain: ${message}`;
  if (severity === 'error') {
    output.error(text);
  } else if (severity === 'warning') {
    output.warn(text);
  } else {
    output.info(text);
  }
  if (!shows(severity, notificationLevel(get('notifications')))) {
    return undefined;
  }
  const show =
    severity === 'error'
      ? vscode.window.showErrorMessage
      : severity === 'warning'
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
  const choice = await show(text, ...actions);
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'pyexplain.server.path');
  } else if (choice === SHOW_LOGS) {
    output.show(true);
  }
  return choice;
}

function isExecutable(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(p, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** A bundled binary may lose its executable bit on the way into the .vsix. */
function fixBundledMode(): void {
  if (process.platform === 'win32') {
    return;
  }
  const bundled = bundledPath(extensionPath, process.platform);
  try {
    if (fs.statSync(bundled).isFile() && !isExecutable(bundled)) {
      fs.chmodSync(bundled, 0o755);
    }
  } catch {
    // No bundled binary: fine.
  }
}

function resolve(): Resolution {
  return resolveServer({
    configured: config().get<string>('server.path'),
    env: process.env,
    extensionPath,
    platform: process.platform,
    homeDir: os.homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    isExecutable,
  });
}

/** Runs `command --version` first: a binary that cannot run, or is not
 * pyexplain, is said at once (and never handed to vscode-languageclient,
 * which rejects promises nobody handles when a server dies during
 * `initialize`). */
function probe(command: string): Promise<{ ok: true; version: string } | { ok: false; why: string }> {
  return new Promise((done) => {
    execFile(command, ['--version'], { timeout: 10000 }, (err, stdout, stderr) => {
      const said = (String(stderr).trim() || String(stdout).trim()).split('\n').slice(-3).join(' ');
      if (err) {
        const e = err as NodeJS.ErrnoException & { code?: number | string; signal?: string };
        const how =
          typeof e.code === 'number'
            ? describeExit(e.code, e.signal)
            : e.signal
              ? describeExit(null, e.signal)
              : (e.code ?? e.message);
        done({ ok: false, why: `\`${command} --version\` ${String(how)}${said ? `: ${said}` : ''}` });
        return;
      }
      const version = parseVersion(String(stdout));
      if (version === undefined) {
        done({ ok: false, why: `${command} is not pyexplain (\`--version\` printed "${String(stdout).trim().slice(0, 80)}")` });
        return;
      }
      done({ ok: true, version });
    });
  });
}

/** Spawns the server ourselves to know how it ended (for the messages) and
 * to own its message reader: vscode-jsonrpc 8's reader re-arms a 10-second
 * "partial message" timer for ever once a server dies in the middle of a
 * message (nothing clears it on close or dispose, and nothing listens to
 * it), so a crashed server would leave a timer behind in the extension
 * host. Its stderr goes to the log, as vscode-languageclient does. */
function serverOptions(command: string): ServerOptions {
  return async () => {
    const proc = spawn(command, ['server'], {
      cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      stdio: 'pipe',
    });
    await new Promise<void>((ok, fail) => {
      proc.once('spawn', ok);
      proc.once('error', fail);
    });
    proc.stderr.on('data', (data: Buffer) => output.append(data.toString('utf8')));
    const reader = new StreamMessageReader(proc.stdout);
    reader.partialMessageTimeout = 0;
    const writer = new StreamMessageWriter(proc.stdin);
    child = proc;
    childExit = new Promise((done) =>
      proc.on('exit', (code, signal) => {
        const how = describeExit(code, signal);
        output.info(`pyexplain: the server process ${how}`);
        done(how);
      }),
    );
    const transports: MessageTransports = { reader, writer, detached: false };
    return transports;
  };
}

/** How the server process ended, waiting for it a little (its exit and
 * the closed connection arrive in either order); `undefined` if it runs on. */
async function howItEnded(): Promise<string | undefined> {
  const exit = childExit;
  if (!exit) {
    return undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((done) => {
    timer = setTimeout(() => done(undefined), 2000);
  });
  try {
    return await Promise.race([exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Restarts a server that crashed while running (at most MAX_RESTARTS in 3
 * minutes); one that never got running is not restarted: start() says why. */
function errorHandler(c: () => LanguageClient | undefined) {
  const crashes: number[] = [];
  let running = false;
  return {
    markRunning: () => {
      running = true;
    },
    handler: {
      error: (_e: Error, _m: unknown, count: number | undefined) =>
        count !== undefined && count <= 3
          ? { action: ErrorAction.Continue, handled: true }
          : { action: ErrorAction.Shutdown, handled: true },
      closed: async () => {
        if (!running || c() === undefined) {
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && now - crashes[0] > 3 * 60 * 1000) {
          crashes.shift();
        }
        const how = (await howItEnded()) ?? 'stopped';
        if (crashes.length <= MAX_RESTARTS) {
          output.warn(`pyexplain: the server ${how}; restarting it`);
          return { action: CloseAction.Restart, handled: true };
        }
        const why = `the server ${server?.command ?? ''} ${how} ${crashes.length} times in 3 minutes and is not restarted`;
        setPhase('failed', why);
        void notify('error', why, OPEN_SETTINGS, SHOW_LOGS);
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
  };
}

const SHOW_MESSAGE: Record<number, Severity> = {
  [MessageType.Error]: 'error',
  [MessageType.Warning]: 'warning',
  [MessageType.Info]: 'info',
  [MessageType.Log]: 'info',
};

async function start(): Promise<void> {
  const resolution = resolve();
  if (!resolution.ok) {
    server = undefined;
    setPhase('missing', resolution.error);
    void notify('error', resolution.error, OPEN_SETTINGS, SHOW_LOGS);
    return;
  }
  server = resolution.server;
  setPhase('starting');
  const from = `${server.command} (from ${describeSource(server.source)})`;
  const probed = await probe(server.command);
  if (!probed.ok) {
    const why = `the server ${from} cannot run: ${probed.why}`;
    setPhase('failed', why);
    void notify('error', why, OPEN_SETTINGS, SHOW_LOGS);
    return;
  }
  output.info(`pyexplain: starting ${server.command} server, ${probed.version} (from ${describeSource(server.source)})`);
  sentSettings = serverSettings(get);
  const errors = errorHandler(() => client);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    initializationOptions: initializationOptions(get),
    outputChannel: output,
    errorHandler: errors.handler,
    // start() says it (with the exit code), once, as a notification with
    // "Open Settings"; the client's own message would come without one.
    initializationFailedHandler: (e) => {
      output.error(`pyexplain: initialize failed: ${errorText(e)}`);
      return false;
    },
  };
  // The id makes vscode-languageclient read `pyexplain.trace.server`.
  const c = new LanguageClient('pyexplain', 'pyexplain', serverOptions(server.command), clientOptions);
  client = c;
  // The server's window/showMessage, through `pyexplain.notifications`.
  c.onNotification(ShowMessageNotification.type, (m) => {
    void notify(SHOW_MESSAGE[m.type] ?? 'info', m.message);
  });
  c.onDidChangeState((e) => {
    if (client !== c) {
      return;
    }
    if (e.newState === State.Running) {
      errors.markRunning();
      setPhase('running');
    } else if (e.newState === State.Starting) {
      setPhase('starting'); // a restart after a crash
    } else if (e.newState === State.Stopped && phase === 'running') {
      setPhase('stopped');
    }
  });
  try {
    await c.start();
  } catch (e) {
    const ended = await howItEnded();
    const how = ended ? `: it ${ended}` : '';
    const why = `the server ${from} did not start${how} (${errorText(e)})`;
    setPhase('failed', why);
    void notify('error', why, OPEN_SETTINGS, SHOW_LOGS);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function stop(): Promise<void> {
  const c = client;
  const proc = child;
  client = undefined;
  child = undefined;
  childExit = undefined;
  if (!c) {
    return;
  }
  try {
    if (c.state !== State.Stopped) {
      await c.stop(5000);
    }
  } catch (e) {
    output.warn(`pyexplain: stopping the server: ${errorText(e)}`);
  }
  try {
    await c.dispose();
  } catch {
    // Already stopped.
  }
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    proc.kill();
  }
  if (phase === 'running' || phase === 'starting') {
    setPhase('stopped');
  }
}

function enqueue(step: () => Promise<void>): Promise<void> {
  const next = lifecycle.then(step, step);
  lifecycle = next.catch(() => undefined);
  return next;
}

function restart(): Promise<void> {
  return enqueue(async () => {
    await stop();
    await start();
  });
}

/** The running client, started first when needed (e.g. no Python file open
 * yet, or the binary was missing and has been installed since). */
async function runningClient(): Promise<LanguageClient | undefined> {
  await lifecycle;
  if (!client || client.state === State.Stopped) {
    await enqueue(async () => {
      await stop();
      await start();
    });
  }
  return client && client.state === State.Running ? client : undefined;
}

async function onConfigurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!e.affectsConfiguration(SECTION)) {
    return;
  }
  if (e.affectsConfiguration('pyexplain.server.path')) {
    await restart();
    return;
  }
  const relevant = ['language', 'select', 'ignore', 'hover', 'inlayHints'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
  if (!relevant) {
    return; // trace.server: vscode-languageclient applies it itself; notifications: read when used.
  }
  updateStatus();
  const c = client;
  if (c && c.state === State.Running) {
    // The server receives `{"pyexplain": {language, select?, ignore?, hover, inlayHints}}`
    // and replaces its settings with it: a cleared `select` is cleared.
    await c.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(get));
    sentSettings = serverSettings(get);
  }
}

interface NoteItem extends vscode.QuickPickItem {
  note?: Note;
}

/** "Open course note…": the running server lists the notes
 * (`pyexplain.notes`) and opens the picked one (`pyexplain.openNote`). */
async function openNoteQuickPick(): Promise<void> {
  const c = await runningClient();
  if (!c) {
    return; // start() has already said why.
  }
  const lang = currentLanguage();
  let notes: Note[];
  try {
    notes = parseNotes(await c.sendRequest(ExecuteCommandRequest.type, { command: NOTES_COMMAND, arguments: notesArguments(lang) }));
  } catch (e) {
    void notify('error', errorText(e));
    return;
  }
  const items: NoteItem[] = pickEntries(notes, lang).map((entry) =>
    entry.kind === 'separator'
      ? { label: entry.label, kind: vscode.QuickPickItemKind.Separator }
      : { label: entry.label, description: entry.description, detail: entry.detail, note: entry.note },
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: lang === 'zh' ? 'pyexplain：打开课程笔记' : 'pyexplain: Open course note',
    placeHolder: lang === 'zh' ? '输入章节号、标题或 id' : 'Type a section, title or id',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked?.note) {
    return;
  }
  try {
    // The server writes the note's chapter under its cache directory and
    // answers with window/showDocument, which opens it in an editor tab.
    await c.sendRequest(ExecuteCommandRequest.type, {
      command: OPEN_NOTE_COMMAND,
      arguments: [openNoteArgument(picked.note, lang)],
    });
  } catch (e) {
    void notify('error', errorText(e));
  }
}

/** "Course map": the server maps the open folders' Python files to the
 * course's sections, writes markdown under its cache directory and shows it
 * with window/showDocument; if it could not, we open its markdown here. */
async function showCourseMap(): Promise<void> {
  const c = await runningClient();
  if (!c) {
    return; // start() has already said why.
  }
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.toString());
  try {
    const result: unknown = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'pyexplain: course map' },
      () =>
        c.sendRequest(ExecuteCommandRequest.type, {
          command: COURSE_MAP_COMMAND,
          arguments: courseMapArguments(folders),
        }),
    );
    const markdown = fallbackMarkdown(result);
    if (markdown !== undefined) {
      const doc = await vscode.workspace.openTextDocument({ content: markdown, language: 'markdown' });
      await vscode.window.showTextDocument(doc);
    }
  } catch (e) {
    void notify('error', errorText(e));
  }
}

/** "Show full notes again": the server forgets every section marked as
 * learned (`pyexplain.unmarkLearned` without an argument) and says so. */
async function resetLearned(): Promise<void> {
  const c = await runningClient();
  if (!c) {
    return; // start() has already said why.
  }
  try {
    await c.sendRequest(ExecuteCommandRequest.type, { command: UNMARK_LEARNED_COMMAND, arguments: [] });
  } catch (e) {
    void notify('error', errorText(e));
  }
}

/** Like the Neovim plugin's :PyexplainLanguage: updates `pyexplain.language`
 * where it is set (workspace folder, workspace, else user settings). */
async function setLanguage(): Promise<void> {
  const current = config().get<string>('language') ?? 'auto';
  const choices: (vscode.QuickPickItem & { value: string })[] = [
    { label: 'auto', description: "VS Code's display language", value: 'auto' },
    { label: '中文', description: 'zh', value: 'zh' },
    { label: 'English', description: 'en', value: 'en' },
  ].map((c) => (c.value === current ? { ...c, detail: '✓ current' } : c));
  const picked = await vscode.window.showQuickPick(choices, { title: 'pyexplain: language' });
  if (!picked) {
    return;
  }
  const inspect = config().inspect('language');
  const target =
    inspect?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspect?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config().update('language', picked.value, target);
}

/** "Show server info": state, version, binary, language and settings, in a
 * modal message (whatever `pyexplain.notifications` says: it was asked for). */
async function showServerInfo(): Promise<void> {
  const lines = serverInfoLines(status(), client ? sentSettings : undefined);
  output.info(`pyexplain: server info\n${lines.join('\n')}`);
  const choice = await vscode.window.showInformationMessage('pyexplain server', { modal: true, detail: lines.join('\n') }, SHOW_LOGS);
  if (choice === SHOW_LOGS) {
    output.show(true);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('pyexplain', { log: true });
  statusItem = vscode.languages.createLanguageStatusItem('pyexplain.status', { language: 'python' });
  statusItem.name = 'pyexplain';
  statusItem.command = { title: 'Show logs', command: 'pyexplain.showLogs' };
  updateStatus();
  context.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand('pyexplain.openNoteQuickPick', openNoteQuickPick),
    vscode.commands.registerCommand('pyexplain.showCourseMap', showCourseMap),
    vscode.commands.registerCommand('pyexplain.setLanguage', setLanguage),
    vscode.commands.registerCommand('pyexplain.restart', restart),
    vscode.commands.registerCommand('pyexplain.resetLearned', resetLearned),
    vscode.commands.registerCommand('pyexplain.showLogs', () => output.show(true)),
    vscode.commands.registerCommand('pyexplain.showServerInfo', showServerInfo),
    vscode.workspace.onDidChangeConfiguration((e) => {
      onConfigurationChanged(e).catch((err) => output.error(`pyexplain: settings: ${errorText(err)}`));
    }),
  );
  fixBundledMode();
  await enqueue(start);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

// pyexplain for VS Code: starts `pyexplain server` for Python files, keeps its
// settings in sync and adds "Open course note…", "Course map", "Set
// language…", "Restart server" and "Show full notes again". Hovers,
// diagnostics, quick fixes, inlay hints and the "📖 §N.M" / "Mark §N.M as
// learned" code actions come from the server through vscode-languageclient,
// which also registers the server's commands (`pyexplain.openNote`,
// `pyexplain.markLearned`, `pyexplain.unmarkLearned`, `pyexplain.courseMap`)
// and handles the `window/showDocument` request `openNote` answers with (the
// note opens in a tab).

import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  State,
} from 'vscode-languageclient/node';

import { COURSE_MAP_COMMAND, courseMapArguments, fallbackMarkdown } from './courseMap';
import { Note, noteLanguage, notesArgs, openNoteArgument, parseNotes, pickEntries } from './notes';
import { describeSource, resolveServer, bundledPath, ResolvedServer, Resolution } from './serverPath';
import { didChangeConfigurationParams, initializationOptions, needsRestart, serverSettings, ServerSettings } from './settings';

const SECTION = 'pyexplain';
const OPEN_NOTE_COMMAND = 'pyexplain.openNote';
const UNMARK_LEARNED_COMMAND = 'pyexplain.unmarkLearned';

let extensionPath = '';
let output: vscode.OutputChannel;
let client: LanguageClient | undefined;
let server: ResolvedServer | undefined;
let sentSettings: ServerSettings | undefined;
/** Serializes start/stop/restart. */
let lifecycle: Promise<unknown> = Promise.resolve();

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function get(key: string): unknown {
  return config().get(key);
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

async function reportMissingServer(error: string): Promise<void> {
  output.appendLine(`pyexplain: ${error}`);
  const open = 'Open Settings';
  const choice = await vscode.window.showErrorMessage(`pyexplain: ${error}`, open);
  if (choice === open) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'pyexplain.server.path');
  }
}

async function start(): Promise<void> {
  const resolution = resolve();
  if (!resolution.ok) {
    server = undefined;
    void reportMissingServer(resolution.error);
    return;
  }
  server = resolution.server;
  output.appendLine(`pyexplain: starting ${server.command} server (from ${describeSource(server.source)})`);
  const executable: Executable = { command: server.command, args: ['server'] };
  sentSettings = serverSettings(get);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    initializationOptions: initializationOptions(get),
    outputChannel: output,
  };
  // The id makes vscode-languageclient read `pyexplain.trace.server`.
  const c = new LanguageClient('pyexplain', 'pyexplain', { run: executable, debug: executable }, clientOptions);
  client = c;
  try {
    await c.start();
  } catch (e) {
    output.appendLine(`pyexplain: the server did not start: ${String(e)}`);
    void vscode.window.showErrorMessage(`pyexplain: the server did not start (${server.command}): ${String(e)}`);
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) {
    return;
  }
  try {
    if (c.state !== State.Stopped) {
      await c.stop(5000);
    }
  } catch (e) {
    output.appendLine(`pyexplain: stopping the server: ${String(e)}`);
  }
  try {
    await c.dispose();
  } catch {
    // Already stopped.
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
    return; // trace.server: vscode-languageclient applies it itself.
  }
  const next = serverSettings(get);
  if (sentSettings && needsRestart(sentSettings, next)) {
    await restart();
    return;
  }
  const c = client;
  if (c && c.state === State.Running) {
    // The server receives `{"pyexplain": {language, select?, ignore?, hover}}`.
    await c.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(get));
    sentSettings = next;
  }
}

function listNotes(command: string, lang: 'zh' | 'en' | undefined): Promise<Note[]> {
  return new Promise((resolveNotes, reject) => {
    execFile(command, notesArgs(lang), { maxBuffer: 16 * 1024 * 1024, timeout: 20000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${command} ${notesArgs(lang).join(' ')} failed: ${stderr.trim() || err.message}`));
        return;
      }
      try {
        resolveNotes(parseNotes(stdout));
      } catch (e) {
        reject(e);
      }
    });
  });
}

interface NoteItem extends vscode.QuickPickItem {
  note?: Note;
}

async function openNoteQuickPick(): Promise<void> {
  const c = await runningClient();
  if (!c || !server) {
    return; // start() has already said why.
  }
  const lang = noteLanguage(get('language'), vscode.env.language);
  let notes: Note[];
  try {
    notes = await listNotes(server.command, lang);
  } catch (e) {
    void vscode.window.showErrorMessage(`pyexplain: ${e instanceof Error ? e.message : String(e)}`);
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
    void vscode.window.showErrorMessage(`pyexplain: ${e instanceof Error ? e.message : String(e)}`);
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
    const result = await vscode.window.withProgress(
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
    void vscode.window.showErrorMessage(`pyexplain: ${e instanceof Error ? e.message : String(e)}`);
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
    void vscode.window.showErrorMessage(`pyexplain: ${e instanceof Error ? e.message : String(e)}`);
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

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('pyexplain');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('pyexplain.openNoteQuickPick', openNoteQuickPick),
    vscode.commands.registerCommand('pyexplain.showCourseMap', showCourseMap),
    vscode.commands.registerCommand('pyexplain.setLanguage', setLanguage),
    vscode.commands.registerCommand('pyexplain.restart', restart),
    vscode.commands.registerCommand('pyexplain.resetLearned', resetLearned),
    vscode.workspace.onDidChangeConfiguration((e) => {
      onConfigurationChanged(e).catch((err) => output.appendLine(`pyexplain: settings: ${String(err)}`));
    }),
  );
  fixBundledMode();
  await enqueue(start);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

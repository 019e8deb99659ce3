// Just enough of the `vscode` API for dist/extension.js and
// vscode-languageclient to run in plain Node: real event plumbing for what the
// tests drive (configuration, commands, quick picks, showTextDocument), and a
// permissive stub for everything else.
/* eslint-disable @typescript-eslint/no-explicit-any */
import Module = require('module');

function stub(name: string): any {
  const f = function () {
    return stub(`${name}()`);
  };
  return new Proxy(f, {
    get(_t, k) {
      if (k === Symbol.toPrimitive) return () => name;
      if (k === Symbol.iterator) return function* () {};
      if (k === 'then') return undefined;
      if (k === 'length') return 0;
      return stub(`${name}.${String(k)}`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

/** An object whose missing members are stubs. */
function lenient<T extends object>(name: string, o: T): T {
  return new Proxy(o, { get: (t: any, k) => (k in t ? t[k] : stub(`${name}.${String(k)}`)) });
}

class Disposable {
  constructor(private readonly f?: () => void) {}
  dispose(): void {
    this.f?.();
  }
  static from(...ds: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
}

class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  event = (cb: (e: T) => void): Disposable => {
    this.listeners.push(cb);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== cb)));
  };
  fire(e: T): void {
    this.listeners.forEach((l) => l(e));
  }
  dispose(): void {
    this.listeners = [];
  }
}

const noEvent = (): Disposable => new Disposable();

/** vscode-languageclient checks `token.isCancellationRequested` (a stub would be truthy). */
class CancellationTokenSource {
  token = { isCancellationRequested: false, onCancellationRequested: noEvent };
  cancel(): void {
    this.token.isCancellationRequested = true;
  }
  dispose(): void {}
}

/** A notification (showErrorMessage & co.): its text, options and buttons. */
export interface Shown {
  severity: 'error' | 'warning' | 'info';
  message: string;
  options?: { modal?: boolean; detail?: string };
  items: string[];
}

/** The language-status item, as the extension last set it. */
export interface StatusItem {
  id: string;
  name?: string;
  text: string;
  detail?: string;
  severity: number;
  busy: boolean;
  command?: { title: string; command: string };
}

export interface Mock {
  /** The `pyexplain.*` settings, by key without the prefix. */
  settings: Record<string, unknown>;
  commands: Record<string, (...args: any[]) => any>;
  /** Commands run through `vscode.commands.executeCommand`, with arguments. */
  executed: { id: string; args: any[] }[];
  shown: { uri: string; options: any }[];
  /** `severity: message` of every notification. */
  messages: string[];
  /** Every notification in full. */
  notifications: Shown[];
  /** Answers a notification (a button label or undefined). */
  answer: (n: Shown) => string | undefined;
  /** The log channel's lines, and how often it was shown. */
  output: string[];
  logShown: number;
  statusItems: StatusItem[];
  /** The workspace folders (`vscode.workspace.workspaceFolders`). */
  folders: { uri: any; name: string; index: number }[] | undefined;
  /** Documents opened with openTextDocument({content}). */
  untitled: { content: string; language?: string }[];
  /** Answers the next showQuickPick. */
  pick: (items: any[]) => any;
  /** Changes settings and fires onDidChangeConfiguration for their keys. */
  change(values: Record<string, unknown>): void;
  /** The open notebooks (`vscode.workspace.notebookDocuments`). */
  notebooks: MockNotebook[];
  /** Opens a notebook: fires onDidOpenNotebookDocument. */
  openNotebook(nb: MockNotebook): void;
  /** The diagnostics last set per document URI (how many). */
  diagnostics: Map<string, number>;
  /** The document selector of every hover provider registered. */
  hoverSelectors: unknown[];
}

/** A notebook as vscode-languageclient reads it. */
export interface MockNotebook {
  uri: any;
  notebookType: string;
  version: number;
  metadata: Record<string, unknown>;
  getCells(): {
    kind: number;
    metadata: Record<string, unknown>;
    document: { uri: any; languageId: string; version: number; getText(): string };
  }[];
}

export function installMockVscode(): Mock {
  const configChanged = new EventEmitter<{ affectsConfiguration(s: string): boolean }>();
  const notebookOpened = new EventEmitter<MockNotebook>();
  const mock: Mock = {
    settings: {
      language: 'auto',
      select: [],
      ignore: [],
      'hover.enable': true,
      'hover.verbosity': 'full',
      'hover.level': 'usage',
      'hover.repeat': 'brief',
      'inlayHints.enable': false,
      'server.path': '',
      'trace.server': 'off',
      notifications: 'info',
    },
    commands: {},
    executed: [],
    shown: [],
    messages: [],
    notifications: [],
    answer: () => undefined,
    output: [],
    logShown: 0,
    statusItems: [],
    folders: undefined,
    untitled: [],
    pick: () => undefined,
    notebooks: [],
    openNotebook(nb) {
      mock.notebooks.push(nb);
      notebookOpened.fire(nb);
    },
    diagnostics: new Map(),
    hoverSelectors: [],
    change(values) {
      Object.assign(mock.settings, values);
      const keys = Object.keys(values).map((k) => `pyexplain.${k}`);
      configChanged.fire({
        affectsConfiguration: (s) => s === 'pyexplain' || keys.some((k) => k === s || k.startsWith(`${s}.`)),
      });
    },
  };
  const notification =
    (severity: Shown['severity']) =>
    async (message: string, ...rest: any[]): Promise<string | undefined> => {
      const options = typeof rest[0] === 'object' && rest[0] !== null ? rest.shift() : undefined;
      const shown: Shown = { severity, message, options, items: rest };
      mock.notifications.push(shown);
      mock.messages.push(`${severity}: ${message}`);
      return mock.answer(shown);
    };
  const log = (level: string) => (s: string) => mock.output.push(level ? `[${level}] ${s}\n` : `${s}\n`);
  const uri = (s: string) => ({ scheme: s.split(':')[0], fsPath: s.replace(/^file:\/\//, ''), toString: () => s });
  const vscode = lenient('vscode', {
    Disposable,
    EventEmitter,
    CancellationTokenSource,
    version: '1.90.0',
    env: { language: 'en', appName: 'mock', machineId: 'm', sessionId: 's', openExternal: async () => true },
    Uri: { parse: uri, file: (p: string) => uri(`file://${p}`) },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    NotebookCellKind: { Markup: 1, Code: 2 },
    LanguageStatusSeverity: { Information: 0, Warning: 1, Error: 2 },
    workspace: lenient('workspace', {
      getConfiguration: (section?: string) => {
        const prefix = section && section !== 'pyexplain' ? `${section.replace(/^pyexplain\./, '')}.` : '';
        return {
          get: (k: string, d?: unknown) => (prefix + k in mock.settings ? mock.settings[prefix + k] : d),
          has: (k: string) => prefix + k in mock.settings,
          inspect: () => ({}),
          update: async (k: string, v: unknown) => mock.change({ [prefix + k]: v }),
        };
      },
      onDidChangeConfiguration: configChanged.event,
      get workspaceFolders() {
        return mock.folders;
      },
      openTextDocument: async (o: { content: string; language?: string }) => {
        mock.untitled.push(o);
        return { uri: uri(`untitled:${mock.untitled.length}`) };
      },
      textDocuments: [],
      get notebookDocuments() {
        return mock.notebooks;
      },
      onDidOpenNotebookDocument: notebookOpened.event,
      createFileSystemWatcher: () => ({ onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose() {} }),
      ...Object.fromEntries(
        [
          'onDidOpenTextDocument', 'onDidCloseTextDocument', 'onDidChangeTextDocument', 'onDidSaveTextDocument',
          'onWillSaveTextDocument', 'onDidChangeWorkspaceFolders', 'onDidCreateFiles', 'onDidRenameFiles',
          'onDidDeleteFiles', 'onWillCreateFiles', 'onWillRenameFiles', 'onWillDeleteFiles',
          'onDidCloseNotebookDocument', 'onDidChangeNotebookDocument',
          'onDidSaveNotebookDocument',
        ].map((e) => [e, noEvent]),
      ),
    }),
    window: lenient('window', {
      // A LogOutputChannel (`{log: true}`).
      createOutputChannel: (name: string) => ({
        name,
        logLevel: 2,
        onDidChangeLogLevel: noEvent,
        append: (s: string) => mock.output.push(s),
        appendLine: log(''),
        trace: log('trace'),
        debug: log('debug'),
        info: log('info'),
        warn: log('warning'),
        error: log('error'),
        show() {
          mock.logShown++;
        },
        hide() {},
        clear() {},
        replace() {},
        dispose() {},
      }),
      showErrorMessage: notification('error'),
      showWarningMessage: notification('warning'),
      showInformationMessage: notification('info'),
      showTextDocument: async (u: any, options: any) => void mock.shown.push({ uri: String(u), options }),
      showQuickPick: async (items: any) => mock.pick(await items),
      withProgress: async (_options: any, task: (p: any, t: any) => any) =>
        task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: noEvent }),
      onDidChangeActiveTextEditor: noEvent,
      onDidChangeVisibleTextEditors: noEvent,
      visibleTextEditors: [],
      activeTextEditor: undefined,
      tabGroups: { all: [], onDidChangeTabs: noEvent, onDidChangeTabGroups: noEvent },
    }),
    commands: {
      registerCommand: (id: string, fn: (...a: any[]) => any) => {
        if (mock.commands[id]) throw new Error(`command '${id}' already exists`);
        mock.commands[id] = fn;
        return new Disposable(() => delete mock.commands[id]);
      },
      executeCommand: async (id: string, ...a: any[]) => {
        mock.executed.push({ id, args: a });
        return mock.commands[id]?.(...a);
      },
    },
    languages: lenient('languages', {
      createLanguageStatusItem: (id: string) => {
        const item: StatusItem = { id, text: '', severity: 0, busy: false };
        mock.statusItems.push(item);
        return Object.assign(item, { dispose() {} });
      },
      createDiagnosticCollection: () => ({
        set(uri: any, diagnostics?: unknown[]) {
          mock.diagnostics.set(String(uri), diagnostics?.length ?? 0);
        },
        delete() {},
        clear() {},
        get() {},
        forEach() {},
        dispose() {},
      }),
      match: () => 10,
      registerHoverProvider: (selector: unknown) => {
        mock.hoverSelectors.push(selector);
        return new Disposable();
      },
    }),
    extensions: { all: [], getExtension: () => undefined, onDidChange: noEvent },
  });
  const m = Module as any;
  const load = m._load;
  m._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  return mock;
}

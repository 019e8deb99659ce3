// VS Code settings -> what the pyexplain server reads (src/server/settings.rs):
// `language`, `select`, `ignore`, `hover: {enable, verbosity, level, repeat}`,
// `inlayHints: {enable}`. The server replaces its settings wholesale on each
// didChangeConfiguration, so a key left out goes back to its default.
// Pure: no `vscode` import, so it runs under `node --test`.

export type Language = 'auto' | 'zh' | 'en';
export type Verbosity = 'full' | 'brief';
export type Level = 'core' | 'usage' | 'everyday';

/** The server's settings object, as sent in `initializationOptions` and
 * (wrapped in `{pyexplain: ...}`) in `workspace/didChangeConfiguration`. */
export interface ServerSettings {
  language: Language;
  /** Absent: `[tool.pyexplain]` from pyproject.toml decides. */
  select?: string[];
  ignore?: string[];
  hover: { enable: boolean; verbosity: Verbosity; level: Level; repeat: Verbosity };
  /** MRO and generator/coroutine inlay hints; off unless enabled. */
  inlayHints: { enable: boolean };
}

/** Reads one key of the `pyexplain` section (`WorkspaceConfiguration.get`). */
export type ConfigGetter = (key: string) => unknown;

function language(value: unknown): Language {
  return value === 'zh' || value === 'en' ? value : 'auto';
}

function level(value: unknown): Level {
  return value === 'core' || value === 'everyday' ? value : 'usage';
}

function ruleIds(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const ids = value
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  // An empty list means "not set": the server treats a list it receives as
  // overriding pyproject.toml, and `select: []` would mean "all rules".
  return ids.length > 0 ? ids : undefined;
}

/** The settings the server should have, from the `pyexplain` configuration. */
export function serverSettings(get: ConfigGetter): ServerSettings {
  const settings: ServerSettings = {
    language: language(get('language')),
    hover: {
      enable: get('hover.enable') !== false,
      verbosity: get('hover.verbosity') === 'brief' ? 'brief' : 'full',
      level: level(get('hover.level')),
      repeat: get('hover.repeat') === 'full' ? 'full' : 'brief',
    },
    inlayHints: { enable: get('inlayHints.enable') === true },
  };
  const select = ruleIds(get('select'));
  if (select) {
    settings.select = select;
  }
  const ignore = ruleIds(get('ignore'));
  if (ignore) {
    settings.ignore = ignore;
  }
  return settings;
}

/** `initializationOptions`: the settings object itself. */
export function initializationOptions(get: ConfigGetter): ServerSettings {
  return serverSettings(get);
}

/** `workspace/didChangeConfiguration` params: `{settings: {pyexplain: {...}}}`. */
export function didChangeConfigurationParams(get: ConfigGetter): {
  settings: { pyexplain: ServerSettings };
} {
  return { settings: { pyexplain: serverSettings(get) } };
}

// Where the pyexplain binary is. Pure: the file system and the environment are
// passed in, so `node --test` covers every branch without touching either.
//
// Order: the `pyexplain.server.path` setting, `$PYEXPLAIN_PATH`, the binary
// bundled in the extension (`server/pyexplain[.exe]`), `pyexplain` on PATH,
// then Cargo's bin directory (`cargo install` puts it there, and a VS Code
// started from a desktop launcher often lacks it on PATH).

import * as path from 'path';

export type ServerSource = 'setting' | 'env' | 'bundled' | 'path' | 'cargo';

export interface ResolveContext {
  /** `pyexplain.server.path`; empty or undefined when unset. */
  configured?: string;
  env: Record<string, string | undefined>;
  /** The extension's folder (`ExtensionContext.extensionPath`). */
  extensionPath: string;
  platform: string;
  homeDir: string;
  /** For a relative `pyexplain.server.path`. */
  workspaceFolder?: string;
  /** Whether `p` is an executable file. */
  isExecutable: (p: string) => boolean;
}

export interface ResolvedServer {
  command: string;
  source: ServerSource;
}

export type Resolution =
  | { ok: true; server: ResolvedServer }
  | { ok: false; error: string };

/** A human description of where the binary came from, for messages. */
export function describeSource(source: ServerSource): string {
  switch (source) {
    case 'setting':
      return 'setting pyexplain.server.path';
    case 'env':
      return '$PYEXPLAIN_PATH';
    case 'bundled':
      return 'the binary bundled with the extension';
    case 'path':
      return 'PATH';
    case 'cargo':
      return "Cargo's bin directory";
  }
}

function pathModule(platform: string): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** `pyexplain` or `pyexplain.exe`. */
export function binaryName(platform: string): string {
  return platform === 'win32' ? 'pyexplain.exe' : 'pyexplain';
}

/** The binary that `npm run copy-server` / `package:target` bundles. */
export function bundledPath(extensionPath: string, platform: string): string {
  return pathModule(platform).join(extensionPath, 'server', binaryName(platform));
}

function envVar(env: Record<string, string | undefined>, name: string, platform: string): string | undefined {
  if (platform !== 'win32') {
    return env[name];
  }
  // Windows environment names are case-insensitive (`Path`).
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

/** Finds `name` in the directories of PATH (with PATHEXT on Windows). */
export function findOnPath(name: string, ctx: ResolveContext): string | undefined {
  const p = pathModule(ctx.platform);
  const dirs = (envVar(ctx.env, 'PATH', ctx.platform) ?? '')
    .split(ctx.platform === 'win32' ? ';' : ':')
    .filter((d) => d.length > 0);
  let names = [name];
  if (ctx.platform === 'win32' && p.extname(name) === '') {
    const exts = (envVar(ctx.env, 'PATHEXT', ctx.platform) ?? '.COM;.EXE;.BAT;.CMD')
      .split(';')
      .filter((e) => e.length > 0);
    names = exts.map((e) => name + e.toLowerCase());
  }
  for (const dir of dirs) {
    for (const n of names) {
      const candidate = p.join(dir.replace(/^"(.*)"$/, '$1'), n);
      if (ctx.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** An explicit path (setting or env var): `~` expanded, relative paths taken
 * from the workspace folder, bare names looked up on PATH. */
function explicit(value: string, source: ServerSource, ctx: ResolveContext): Resolution {
  const p = pathModule(ctx.platform);
  let target = value.trim();
  if (target === '~' || target.startsWith('~/') || target.startsWith('~\\')) {
    target = p.join(ctx.homeDir, target.slice(1));
  }
  const hasSeparator = target.includes('/') || (ctx.platform === 'win32' && target.includes('\\'));
  if (!hasSeparator) {
    const found = findOnPath(target, ctx);
    if (found) {
      return { ok: true, server: { command: found, source } };
    }
    return { ok: false, error: `${describeSource(source)} is "${value}", which is not on PATH` };
  }
  if (!p.isAbsolute(target) && ctx.workspaceFolder) {
    target = p.join(ctx.workspaceFolder, target);
  }
  if (!ctx.isExecutable(target)) {
    return { ok: false, error: `${describeSource(source)} is "${value}", which is not an executable file` };
  }
  return { ok: true, server: { command: target, source } };
}

/** Finds the server binary; see the order at the top of this file. */
export function resolveServer(ctx: ResolveContext): Resolution {
  if (ctx.configured && ctx.configured.trim() !== '') {
    return explicit(ctx.configured, 'setting', ctx);
  }
  const fromEnv = envVar(ctx.env, 'PYEXPLAIN_PATH', ctx.platform);
  if (fromEnv && fromEnv.trim() !== '') {
    return explicit(fromEnv, 'env', ctx);
  }
  const bundled = bundledPath(ctx.extensionPath, ctx.platform);
  if (ctx.isExecutable(bundled)) {
    return { ok: true, server: { command: bundled, source: 'bundled' } };
  }
  const onPath = findOnPath('pyexplain', ctx);
  if (onPath) {
    return { ok: true, server: { command: onPath, source: 'path' } };
  }
  const p = pathModule(ctx.platform);
  const cargoHome = envVar(ctx.env, 'CARGO_HOME', ctx.platform) || p.join(ctx.homeDir, '.cargo');
  const cargo = p.join(cargoHome, 'bin', binaryName(ctx.platform));
  if (ctx.isExecutable(cargo)) {
    return { ok: true, server: { command: cargo, source: 'cargo' } };
  }
  return {
    ok: false,
    error:
      'the pyexplain binary was not found: set pyexplain.server.path or $PYEXPLAIN_PATH, ' +
      'or install it on PATH (`cargo install --path .` in the pyexplain repository)',
  };
}

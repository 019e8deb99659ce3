// What the language-status item, "Show server info" and the notifications
// say. Pure: no `vscode` import, so it runs under `node --test`.

import { NoteLang } from './notes';

/** Where the server is in its life, as the extension sees it. */
export type Phase = 'starting' | 'running' | 'stopped' | 'missing' | 'failed';

export type Severity = 'info' | 'warning' | 'error';

export interface ServerStatus {
  phase: Phase;
  /** `serverInfo.version` from `initialize` ("0.1.0 (knowledge …)"). */
  version?: string;
  /** The binary and where it came from ("setting pyexplain.server.path"). */
  command?: string;
  source?: string;
  /** The language hovers are in; `undefined`: the server's LANG decides. */
  language: NoteLang | undefined;
  /** Why the server is missing or failed. */
  problem?: string;
}

export interface StatusView {
  text: string;
  detail: string;
  severity: Severity;
  busy: boolean;
}

/** `zh` → "中文 (zh)"; `undefined` → the server decides from LANG. */
export function languageLabel(language: NoteLang | undefined): string {
  switch (language) {
    case 'zh':
      return '中文 (zh)';
    case 'en':
      return 'English (en)';
    default:
      return "auto (the server's LANG)";
  }
}

/** "0.1.0 (knowledge cc80…)" → "0.1.0". */
export function shortVersion(version: string | undefined): string | undefined {
  const v = version?.trim().split(/\s+/)[0];
  return v ? v : undefined;
}

/** The language-status item for a server status. */
export function statusView(s: ServerStatus): StatusView {
  const language = languageLabel(s.language);
  switch (s.phase) {
    case 'starting':
      return { text: 'pyexplain: starting', detail: s.command ?? '', severity: 'info', busy: true };
    case 'running': {
      const v = shortVersion(s.version);
      return { text: v ? `pyexplain ${v}` : 'pyexplain', detail: language, severity: 'info', busy: false };
    }
    case 'stopped':
      return { text: 'pyexplain: stopped', detail: 'pyexplain: Restart server starts it', severity: 'warning', busy: false };
    case 'missing':
      return { text: 'pyexplain: no server', detail: s.problem ?? '', severity: 'error', busy: false };
    case 'failed':
      return { text: 'pyexplain: server failed', detail: s.problem ?? '', severity: 'error', busy: false };
  }
}

/** "Show server info": one line per fact. */
export function serverInfoLines(s: ServerStatus, settings: unknown): string[] {
  const lines = [
    `state: ${s.phase}${s.problem ? ` (${s.problem})` : ''}`,
    `version: ${s.version ?? 'unknown (not running)'}`,
    `binary: ${s.command ? `${s.command}${s.source ? ` (from ${s.source})` : ''}` : 'not found'}`,
    `language: ${languageLabel(s.language)}`,
  ];
  if (settings !== undefined) {
    lines.push(`settings sent: ${JSON.stringify(settings)}`);
  }
  return lines;
}

/** `pyexplain.notifications`: the least severe message that pops up. */
export type NotificationLevel = 'info' | 'warning' | 'error' | 'off';

export function notificationLevel(value: unknown): NotificationLevel {
  return value === 'warning' || value === 'error' || value === 'off' ? value : 'info';
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Whether a message of `severity` pops up under `level` (it is logged
 * either way). */
export function shows(severity: Severity, level: NotificationLevel): boolean {
  if (level === 'off') {
    return false;
  }
  return RANK[severity] >= RANK[level];
}

/** How a server process ended, for messages. */
export function describeExit(code: number | null | undefined, signal: string | null | undefined): string {
  if (signal) {
    return `was killed by ${signal}`;
  }
  if (code === null || code === undefined) {
    return 'stopped';
  }
  return `exited with code ${code}`;
}

/** The version `pyexplain --version` prints ("pyexplain 0.1.0 (knowledge
 * …)" → "0.1.0 (knowledge …)"); `undefined` when it is not pyexplain's. */
export function parseVersion(stdout: string): string | undefined {
  const m = /^pyexplain (\d+\.\d+\.\d+.*)$/.exec(stdout.trim());
  return m ? m[1] : undefined;
}

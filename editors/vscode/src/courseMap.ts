// "Course map": the server's `pyexplain.courseMap` command for the open
// workspace folders. Pure: no `vscode` import.

/** The server command (registered in VS Code by the language client too). */
export const COURSE_MAP_COMMAND = 'pyexplain.courseMap';

/** What the server answers: the markdown file it wrote, whether the client
 * showed it (window/showDocument), and the markdown itself. */
export interface CourseMapResult {
  uri: string;
  path: string;
  shown: boolean;
  markdown: string;
}

/** The command's arguments: the `file:` folders open now (they may differ
 * from those of `initialize`); none lets the server use its own. */
export function courseMapArguments(folderUris: readonly string[] | undefined): unknown[] {
  const local = (folderUris ?? []).filter((u) => u.startsWith('file:'));
  return local.length > 0 ? [{ paths: local }] : [];
}

/** The markdown to open in an untitled editor when the server could not
 * have its file shown; `undefined` when it was shown (or on junk). */
export function fallbackMarkdown(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) {
    return undefined;
  }
  const r = result as Record<string, unknown>;
  return r.shown === false && typeof r.markdown === 'string' ? r.markdown : undefined;
}

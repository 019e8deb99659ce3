// The "Open course note…" quick pick: the running server's `pyexplain.notes`
// command answers the table of contents, which becomes sorted entries with
// chapter separators. Pure: no `vscode` import.

/** The server command that lists the notes: `[{"lang": "zh"}]` or no
 * argument (the server's language). */
export const NOTES_COMMAND = 'pyexplain.notes';

export type NoteLang = 'zh' | 'en';

export interface Note {
  section: string;
  id: string;
  title: string;
  summary: string;
}

export type PickEntry =
  | { kind: 'separator'; label: string }
  | { kind: 'note'; label: string; description: string; detail: string; note: Note };

/** The language for the notes list and the opened note: the setting when it
 * is `zh`/`en`; for `auto`, VS Code's display language (as the server uses
 * the client's `locale`) when it is Chinese or English, else `undefined`
 * (the server then goes by its LANG). */
export function noteLanguage(setting: unknown, uiLanguage: string | undefined): NoteLang | undefined {
  if (setting === 'zh' || setting === 'en') {
    return setting;
  }
  const tag = (uiLanguage ?? '').trim().toLowerCase();
  if (tag.startsWith('zh')) {
    return 'zh';
  }
  if (tag.startsWith('en')) {
    return 'en';
  }
  return undefined;
}

/** The `pyexplain.notes` arguments for a language. */
export function notesArguments(lang: NoteLang | undefined): unknown[] {
  return lang ? [{ lang }] : [];
}

/** `12.6` -> [12, 6]; the supplement's `S.3` -> [Infinity, 3], after every chapter. */
function sectionKey(section: string): [number, number] {
  const [chapter, number] = section.split('.').map((n) => Number.parseInt(n, 10));
  return [Number.isFinite(chapter) ? chapter : Infinity, Number.isFinite(number) ? number : Infinity];
}

/** Orders sections numerically: 2.9 before 2.10, the supplement (S.1, S.2, ...) last. */
export function compareSections(a: string, b: string): number {
  const [ac, an] = sectionKey(a);
  const [bc, bn] = sectionKey(b);
  return ac !== bc ? ac - bc : an - bn;
}

/** Reads the array `pyexplain.notes` answers; throws on anything else.
 * Entries without a string `id` and `section` are dropped. */
export function parseNotes(data: unknown): Note[] {
  if (!Array.isArray(data)) {
    throw new Error('the server did not answer `pyexplain.notes` with a list');
  }
  const notes: Note[] = [];
  for (const item of data) {
    if (typeof item !== 'object' || item === null) {
      continue;
    }
    const o = item as Record<string, unknown>;
    if (typeof o.id !== 'string' || typeof o.section !== 'string') {
      continue;
    }
    notes.push({
      id: o.id,
      section: o.section,
      title: typeof o.title === 'string' ? o.title : o.id,
      summary: typeof o.summary === 'string' ? o.summary : '',
    });
  }
  return notes.sort((a, b) => compareSections(a.section, b.section));
}

function chapterLabel(chapter: string, lang: NoteLang | undefined): string {
  if (chapter === 'S') {
    // The supplement beyond the course outline: notes S.1, S.2, ...
    return lang === 'zh' ? '课程大纲之外（补充）' : 'Beyond the course outline';
  }
  return lang === 'zh' ? `第 ${chapter} 章` : `Chapter ${chapter}`;
}

/** Quick pick rows: a separator per chapter, then its notes by section. */
export function pickEntries(notes: Note[], lang: NoteLang | undefined): PickEntry[] {
  const entries: PickEntry[] = [];
  let chapter: string | undefined;
  for (const note of [...notes].sort((a, b) => compareSections(a.section, b.section))) {
    const c = note.section.split('.')[0];
    if (c !== chapter) {
      chapter = c;
      entries.push({ kind: 'separator', label: chapterLabel(c, lang) });
    }
    entries.push({
      kind: 'note',
      label: `§${note.section} ${note.title}`,
      description: note.id,
      detail: note.summary,
      note,
    });
  }
  return entries;
}

/** The `pyexplain.openNote` argument for a picked note. */
export function openNoteArgument(note: Note, lang: NoteLang | undefined): { note: string; lang?: NoteLang } {
  return lang ? { note: note.id, lang } : { note: note.id };
}

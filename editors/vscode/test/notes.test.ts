import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { compareSections, noteLanguage, notesArguments, openNoteArgument, parseNotes, pickEntries } from '../src/notes';

// The shape the server's `pyexplain.notes` answers.
const SAMPLE: unknown = [
  { id: 'everything-is-object', section: '2.1', summary: 'In Python every value is an object.', title: 'Everything is an object' },
  { id: 'gen-send', section: '12.6', summary: 'send() and yield from.', title: 'Generator send() and yield from' },
  { id: 'x10', section: '2.10', summary: '', title: 'Ten' },
  { id: 'type-object-class', section: '2.2', summary: '`type` and `object`.', title: 'type, object and class' },
];

test('parseNotes keeps every field and sorts sections numerically', () => {
  const notes = parseNotes(SAMPLE);
  assert.deepEqual(
    notes.map((n) => n.section),
    ['2.1', '2.2', '2.10', '12.6'],
  );
  assert.deepEqual(notes[0], {
    id: 'everything-is-object',
    section: '2.1',
    summary: 'In Python every value is an object.',
    title: 'Everything is an object',
  });
});

test('parseNotes drops malformed entries and rejects non-arrays', () => {
  const notes = parseNotes([{ id: 'a', section: '3.1' }, { id: 1, section: '3.2' }, null, 'x', { section: '3.3' }]);
  assert.deepEqual(notes, [{ id: 'a', section: '3.1', title: 'a', summary: '' }]);
  assert.throws(() => parseNotes({ notes: [] }), /with a list/);
  assert.throws(() => parseNotes(null), /with a list/);
  assert.throws(() => parseNotes('[]'), /with a list/);
});

test('pickEntries: a separator per chapter, label §N.M title, id and summary', () => {
  const entries = pickEntries(parseNotes(SAMPLE), 'en');
  assert.deepEqual(
    entries.map((e) => (e.kind === 'separator' ? `-- ${e.label}` : e.label)),
    ['-- Chapter 2', '§2.1 Everything is an object', '§2.2 type, object and class', '§2.10 Ten', '-- Chapter 12', '§12.6 Generator send() and yield from'],
  );
  const first = entries[1];
  assert.equal(first.kind, 'note');
  if (first.kind === 'note') {
    assert.equal(first.description, 'everything-is-object');
    assert.equal(first.detail, 'In Python every value is an object.');
    assert.equal(first.note.id, 'everything-is-object');
  }
  assert.equal(pickEntries(parseNotes(SAMPLE), 'zh')[0].label, '第 2 章');
  assert.deepEqual(pickEntries([], 'en'), []);
});

test('compareSections orders by chapter then number', () => {
  assert.ok(compareSections('2.9', '2.10') < 0);
  assert.ok(compareSections('10.1', '9.12') > 0);
  assert.equal(compareSections('4.3', '4.3'), 0);
  // The supplement comes after every chapter, numbered on its own.
  assert.ok(compareSections('S.1', '13.8') > 0);
  assert.ok(compareSections('S.2', 'S.10') < 0);
});

test('pickEntries: the supplement gets a separator of its own after the chapters', () => {
  const notes = parseNotes([
    { id: 'dataclasses', section: 'S.3', summary: '', title: 'Data classes', supplement: true },
    { id: 'gen-send', section: '12.6', summary: '', title: 'Generator send() and yield from' },
    { id: 'slots', section: 'S.2', summary: '', title: '__slots__', supplement: true },
  ]);
  const labels = (lang: 'en' | 'zh') =>
    pickEntries(notes, lang).map((e) => (e.kind === 'separator' ? `-- ${e.label}` : e.label));
  assert.deepEqual(labels('en'), [
    '-- Chapter 12',
    '§12.6 Generator send() and yield from',
    '-- Beyond the course outline',
    '§S.2 __slots__',
    '§S.3 Data classes',
  ]);
  assert.equal(labels('zh')[2], '-- 课程大纲之外（补充）');
});

test('language: the setting, else VS Code display language, else the server decides', () => {
  assert.equal(noteLanguage('zh', 'en'), 'zh');
  assert.equal(noteLanguage('en', 'zh-cn'), 'en');
  assert.equal(noteLanguage('auto', 'zh-cn'), 'zh');
  assert.equal(noteLanguage('auto', 'zh-tw'), 'zh');
  assert.equal(noteLanguage('auto', 'en'), 'en');
  assert.equal(noteLanguage('auto', 'fr'), undefined);
  assert.equal(noteLanguage(undefined, undefined), undefined);
});

test('pyexplain.notes arguments and the openNote argument', () => {
  assert.deepEqual(notesArguments('zh'), [{ lang: 'zh' }]);
  assert.deepEqual(notesArguments(undefined), []);
  const note = parseNotes(SAMPLE)[3];
  assert.deepEqual(openNoteArgument(note, undefined), { note: 'gen-send' });
  assert.deepEqual(openNoteArgument(note, 'zh'), { note: 'gen-send', lang: 'zh' });
});

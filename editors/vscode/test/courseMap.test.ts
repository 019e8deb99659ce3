import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { courseMapArguments, fallbackMarkdown } from '../src/courseMap';

test('courseMapArguments sends the local folders, or nothing', () => {
  assert.deepEqual(courseMapArguments(undefined), []);
  assert.deepEqual(courseMapArguments([]), []);
  assert.deepEqual(courseMapArguments(['vscode-vfs://github/x']), []);
  assert.deepEqual(courseMapArguments(['file:///w/a', 'untitled:x', 'file:///w/b']), [{ paths: ['file:///w/a', 'file:///w/b'] }]);
});

test('fallbackMarkdown only when the server could not show its file', () => {
  assert.equal(fallbackMarkdown({ shown: false, markdown: '# Course map' }), '# Course map');
  assert.equal(fallbackMarkdown({ shown: true, markdown: '# Course map' }), undefined);
  assert.equal(fallbackMarkdown({ shown: false }), undefined);
  assert.equal(fallbackMarkdown(null), undefined);
  assert.equal(fallbackMarkdown('x'), undefined);
});

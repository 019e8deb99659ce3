import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import {
  describeExit,
  languageLabel,
  notificationLevel,
  parseVersion,
  serverInfoLines,
  shortVersion,
  shows,
  statusView,
} from '../src/status';

test('the status item per phase', () => {
  const base = { command: '/bin/pyexplain', source: 'PATH', language: 'zh' as const };
  assert.deepEqual(statusView({ ...base, phase: 'running', version: '0.1.0 (knowledge cc80)' }), {
    text: 'pyexplain 0.1.0',
    detail: '中文 (zh)',
    severity: 'info',
    busy: false,
  });
  assert.deepEqual(statusView({ ...base, phase: 'starting' }), {
    text: 'pyexplain: starting',
    detail: '/bin/pyexplain',
    severity: 'info',
    busy: true,
  });
  assert.equal(statusView({ ...base, phase: 'stopped' }).severity, 'warning');
  const missing = statusView({ language: undefined, phase: 'missing', problem: 'not on PATH' });
  assert.deepEqual([missing.text, missing.detail, missing.severity], ['pyexplain: no server', 'not on PATH', 'error']);
  const failed = statusView({ ...base, phase: 'failed', problem: 'exited with code 3' });
  assert.deepEqual([failed.text, failed.detail, failed.severity], ['pyexplain: server failed', 'exited with code 3', 'error']);
  assert.equal(statusView({ ...base, phase: 'running' }).text, 'pyexplain', 'no version yet');
});

test('language labels and versions', () => {
  assert.equal(languageLabel('en'), 'English (en)');
  assert.equal(languageLabel('zh'), '中文 (zh)');
  assert.equal(languageLabel(undefined), "auto (the server's LANG)");
  assert.equal(shortVersion('0.1.0 (knowledge cc804a3b2bd2ca01)'), '0.1.0');
  assert.equal(shortVersion('  '), undefined);
  assert.equal(shortVersion(undefined), undefined);
});

test('server info lines', () => {
  const lines = serverInfoLines(
    { phase: 'running', version: '0.1.0 (knowledge x)', command: '/p/pyexplain', source: 'PATH', language: 'en' },
    { language: 'en' },
  );
  assert.deepEqual(lines, [
    'state: running',
    'version: 0.1.0 (knowledge x)',
    'binary: /p/pyexplain (from PATH)',
    'language: English (en)',
    'settings sent: {"language":"en"}',
  ]);
  assert.deepEqual(serverInfoLines({ phase: 'missing', language: undefined, problem: 'not found' }, undefined), [
    'state: missing (not found)',
    'version: unknown (not running)',
    'binary: not found',
    "language: auto (the server's LANG)",
  ]);
});

test('notification levels: the least severe message shown', () => {
  assert.equal(notificationLevel('warning'), 'warning');
  assert.equal(notificationLevel('off'), 'off');
  assert.equal(notificationLevel('loud'), 'info');
  assert.equal(notificationLevel(undefined), 'info');
  const table = (['info', 'warning', 'error', 'off'] as const).map((level) =>
    (['info', 'warning', 'error'] as const).map((severity) => shows(severity, level)),
  );
  assert.deepEqual(table, [
    [true, true, true],
    [false, true, true],
    [false, false, true],
    [false, false, false],
  ]);
});

test('how a process ended', () => {
  assert.equal(describeExit(3, null), 'exited with code 3');
  assert.equal(describeExit(null, 'SIGKILL'), 'was killed by SIGKILL');
  assert.equal(describeExit(0, null), 'exited with code 0');
  assert.equal(describeExit(null, null), 'stopped');
});

test('the version `pyexplain --version` prints', () => {
  assert.equal(parseVersion('pyexplain 0.1.0 (knowledge cc804a3b2bd2ca01)\n'), '0.1.0 (knowledge cc804a3b2bd2ca01)');
  assert.equal(parseVersion('pyexplain 1.2.3'), '1.2.3');
  assert.equal(parseVersion('echo (GNU coreutils) 9.1'), undefined);
  assert.equal(parseVersion('Python 3.11.7'), undefined);
  assert.equal(parseVersion(''), undefined);
});

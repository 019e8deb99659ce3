import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { ResolveContext, bundledPath, findOnPath, resolveServer } from '../src/serverPath';

function ctx(files: string[], over: Partial<ResolveContext> = {}): ResolveContext {
  const set = new Set(files);
  return {
    configured: '',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    extensionPath: '/ext',
    platform: 'linux',
    homeDir: '/home/u',
    isExecutable: (p) => set.has(p),
    ...over,
  };
}

function command(c: ResolveContext): string {
  const r = resolveServer(c);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.server.command;
}

const ALL = ['/opt/px', '/env/px', '/ext/server/pyexplain', '/usr/bin/pyexplain', '/home/u/.cargo/bin/pyexplain'];

test('order: setting, PYEXPLAIN_PATH, bundled, PATH, ~/.cargo/bin', () => {
  const env = { PATH: '/usr/local/bin:/usr/bin', PYEXPLAIN_PATH: '/env/px' };
  let r = resolveServer(ctx(ALL, { configured: '/opt/px', env }));
  assert.deepEqual(r, { ok: true, server: { command: '/opt/px', source: 'setting' } });
  r = resolveServer(ctx(ALL, { env }));
  assert.deepEqual(r, { ok: true, server: { command: '/env/px', source: 'env' } });
  r = resolveServer(ctx(ALL));
  assert.deepEqual(r, { ok: true, server: { command: '/ext/server/pyexplain', source: 'bundled' } });
  r = resolveServer(ctx(ALL.slice(3)));
  assert.deepEqual(r, { ok: true, server: { command: '/usr/bin/pyexplain', source: 'path' } });
  r = resolveServer(ctx(ALL.slice(4)));
  assert.deepEqual(r, { ok: true, server: { command: '/home/u/.cargo/bin/pyexplain', source: 'cargo' } });
});

test('nothing found: an error that names the setting', () => {
  const r = resolveServer(ctx([]));
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /pyexplain\.server\.path/);
});

test('an explicit path that is missing is an error, not a silent fallback', () => {
  const r = resolveServer(ctx(ALL, { configured: '/nope/pyexplain' }));
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /setting pyexplain\.server\.path is "\/nope\/pyexplain"/);
  const e = resolveServer(ctx(ALL, { env: { PATH: '/usr/bin', PYEXPLAIN_PATH: '/nope' } }));
  assert.equal(e.ok, false);
  assert.match(e.ok ? '' : e.error, /PYEXPLAIN_PATH/);
});

test('blank setting and blank env var are unset', () => {
  assert.equal(command(ctx(ALL, { configured: '  ', env: { PATH: '/usr/bin', PYEXPLAIN_PATH: '' } })), '/ext/server/pyexplain');
});

test('~, relative and bare names in the setting', () => {
  assert.equal(command(ctx(['/home/u/bin/pyexplain'], { configured: '~/bin/pyexplain' })), '/home/u/bin/pyexplain');
  assert.equal(
    command(ctx(['/work/proj/target/release/pyexplain'], { configured: 'target/release/pyexplain', workspaceFolder: '/work/proj' })),
    '/work/proj/target/release/pyexplain',
  );
  assert.equal(command(ctx(['/usr/local/bin/px2'], { configured: 'px2' })), '/usr/local/bin/px2');
  assert.equal(resolveServer(ctx([], { configured: 'px2' })).ok, false);
});

test('CARGO_HOME replaces ~/.cargo', () => {
  assert.equal(
    command(ctx(['/c/bin/pyexplain'], { env: { PATH: '', CARGO_HOME: '/c' } })),
    '/c/bin/pyexplain',
  );
});

test('windows: pyexplain.exe bundled, PATHEXT and case-insensitive Path', () => {
  assert.equal(bundledPath('C:\\ext', 'win32'), 'C:\\ext\\server\\pyexplain.exe');
  const win = (files: string[], env: Record<string, string>) =>
    ctx(files, { platform: 'win32', extensionPath: 'C:\\ext', homeDir: 'C:\\Users\\u', env });
  assert.equal(command(win(['C:\\ext\\server\\pyexplain.exe'], {})), 'C:\\ext\\server\\pyexplain.exe');
  assert.equal(
    command(win(['C:\\tools\\pyexplain.exe'], { Path: 'C:\\Windows;"C:\\tools"', PATHEXT: '.COM;.EXE' })),
    'C:\\tools\\pyexplain.exe',
  );
  assert.equal(
    command(win(['C:\\Users\\u\\.cargo\\bin\\pyexplain.exe'], { Path: 'C:\\Windows' })),
    'C:\\Users\\u\\.cargo\\bin\\pyexplain.exe',
  );
  assert.equal(command(win(['D:\\px.exe'], { pyexplain_path: 'D:\\px.exe' })), 'D:\\px.exe');
});

test('findOnPath skips empty PATH entries and keeps PATH order', () => {
  const c = ctx(['/b/pyexplain', '/c/pyexplain'], { env: { PATH: '::/a:/b:/c' } });
  assert.equal(findOnPath('pyexplain', c), '/b/pyexplain');
});

#!/usr/bin/env node
// Bundles the pyexplain binary into the extension (server/pyexplain or
// server/pyexplain.exe), where the extension looks after the setting and
// $PYEXPLAIN_PATH.
//
//   node scripts/copy-server.js [BINARY]      copy BINARY (default: the
//                                             repository's target/release/pyexplain)
//   node scripts/copy-server.js --check TARGET  fail unless server/ holds a binary
//                                             for TARGET (linux-x64, win32-x64, ...)
//   node scripts/copy-server.js --none        fail if server/ holds a binary (a
//                                             universal .vsix must not carry one)
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const serverDir = path.join(root, 'server');
const exe = (platform) => (platform === 'win32' ? 'pyexplain.exe' : 'pyexplain');

function fail(msg) {
  console.error(`copy-server: ${msg}`);
  process.exit(1);
}

/** The kind of executable in the file's first bytes: `linux-x64`-style ids. */
function executableKind(file) {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(64);
  fs.readSync(fd, head, 0, 64, 0);
  fs.closeSync(fd);
  if (head.readUInt32BE(0) === 0x7f454c46) {
    const machine = head.readUInt16LE(18);
    const arch = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'armhf' }[machine] || `machine-${machine}`;
    return `linux-${arch}`;
  }
  if (head.toString('latin1', 0, 2) === 'MZ') {
    return 'win32';
  }
  const magic = head.readUInt32LE(0);
  if (magic === 0xfeedfacf) {
    const cpu = head.readUInt32LE(4);
    return cpu === 0x0100000c ? 'darwin-arm64' : cpu === 0x01000007 ? 'darwin-x64' : 'darwin';
  }
  return 'unknown';
}

function bundled() {
  return ['pyexplain', 'pyexplain.exe']
    .map((n) => path.join(serverDir, n))
    .filter((p) => fs.existsSync(p));
}

const args = process.argv.slice(2);

if (args[0] === '--none') {
  const found = bundled();
  if (found.length > 0) {
    fail(
      `${found.join(', ')} is bundled; a universal .vsix must not carry a ` +
        'platform binary. Use `npm run package`, or delete it.',
    );
  }
  process.exit(0);
}

if (args[0] === '--check') {
  const target = args[1] || 'linux-x64';
  const file = path.join(serverDir, exe(target.startsWith('win32') ? 'win32' : 'linux'));
  if (!fs.existsSync(file)) {
    fail(
      `${path.relative(root, file)} is missing. Build the server (\`cargo build --release\` ` +
        'in the repository root), then run `npm run copy-server`.',
    );
  }
  const kind = executableKind(file);
  if (!(kind === target || (target.startsWith('win32') && kind === 'win32'))) {
    fail(`${path.relative(root, file)} is a ${kind} executable, not ${target}`);
  }
  console.log(`copy-server: ${path.relative(root, file)} is a ${kind} executable`);
  process.exit(0);
}

const source = path.resolve(
  args[0] || path.join(root, '..', '..', 'target', 'release', exe(process.platform)),
);
if (!fs.existsSync(source)) {
  fail(`${source} does not exist; build it with \`cargo build --release\` in the repository root`);
}
const dest = path.join(serverDir, source.endsWith('.exe') ? 'pyexplain.exe' : 'pyexplain');
fs.mkdirSync(serverDir, { recursive: true });
fs.copyFileSync(source, dest);
fs.chmodSync(dest, 0o755);
console.log(`copy-server: ${source} -> ${path.relative(root, dest)} (${executableKind(dest)})`);

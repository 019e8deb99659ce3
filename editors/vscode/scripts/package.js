#!/usr/bin/env node
// Builds the extension's .vsix.
//
//   node scripts/package.js --target TARGET [--binary PATH] [--out FILE]
//       A platform .vsix (`vsce package --target TARGET`) with the server
//       binary at server/pyexplain (server/pyexplain.exe for win32-*). The
//       binary must be an executable for TARGET (checked from its header).
//       Default binary: $CARGO_TARGET_DIR/release/pyexplain, else the
//       repository's target/release/pyexplain. The release workflow runs this
//       once per platform with the binary taken out of that platform's wheel.
//   node scripts/package.js --universal [--out FILE]
//       A .vsix without a binary (the extension then finds one on PATH).
//
// TARGET is one of vsce's platform targets: linux-x64, linux-arm64,
// linux-armhf, alpine-x64, alpine-arm64, darwin-x64, darwin-arm64,
// win32-x64, win32-arm64. `server/` is emptied before and removed after.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const repo = path.resolve(root, '..', '..');
const serverDir = path.join(root, 'server');

const TARGETS = [
  'linux-x64',
  'linux-arm64',
  'linux-armhf',
  'alpine-x64',
  'alpine-arm64',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64',
  'win32-arm64',
];

class UsageError extends Error {}

/**
 * What the file's header says it is: `{os, arch, interpreter}` with vsce's
 * words (`linux`/`darwin`/`win32`, `x64`/`arm64`/`armhf`); `archs` lists
 * every architecture of a universal macOS binary. `interpreter` is the ELF
 * program interpreter (`null` for a static executable).
 */
function executableKind(file) {
  const data = fs.readFileSync(file);
  if (data.length >= 64 && data.readUInt32BE(0) === 0x7f454c46) {
    const is64 = data[4] === 2;
    const little = data[5] === 1;
    const u16 = (o) => (little ? data.readUInt16LE(o) : data.readUInt16BE(o));
    const u32 = (o) => (little ? data.readUInt32LE(o) : data.readUInt32BE(o));
    const word = (o) => (is64 ? Number(little ? data.readBigUInt64LE(o) : data.readBigUInt64BE(o)) : u32(o));
    const arch = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'armhf' }[u16(18)] || `machine-${u16(18)}`;
    // The program headers: PT_INTERP (3) names the dynamic loader.
    let interpreter = null;
    const phoff = word(is64 ? 0x20 : 0x1c);
    const phentsize = u16(is64 ? 0x36 : 0x2a);
    const phnum = u16(is64 ? 0x38 : 0x2c);
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      if (at + phentsize > data.length) break;
      if (u32(at) === 3) {
        const offset = word(at + (is64 ? 0x08 : 0x04));
        const size = word(at + (is64 ? 0x20 : 0x10));
        interpreter = data.toString('latin1', offset, offset + size).replace(/\0+$/, '');
      }
    }
    return { os: 'linux', arch, archs: [arch], interpreter };
  }
  if (data.length >= 0x40 && data.toString('latin1', 0, 2) === 'MZ') {
    const pe = data.readUInt32LE(0x3c);
    if (pe + 6 <= data.length && data.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      const machine = data.readUInt16LE(pe + 4);
      const arch = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'x86' }[machine] || `machine-${machine}`;
      return { os: 'win32', arch, archs: [arch], interpreter: null };
    }
  }
  const machO = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
  if (data.length >= 8 && data.readUInt32LE(0) === 0xfeedfacf) {
    const arch = machO[data.readUInt32LE(4)] || 'unknown';
    return { os: 'darwin', arch, archs: [arch], interpreter: null };
  }
  if (data.length >= 8 && data.readUInt32BE(0) === 0xcafebabe) {
    // A universal binary: big-endian fat header, 20 bytes per architecture.
    const n = data.readUInt32BE(4);
    const archs = [];
    for (let i = 0; i < n && 8 + 20 * (i + 1) <= data.length; i++) {
      archs.push(machO[data.readUInt32BE(8 + 20 * i)] || 'unknown');
    }
    return { os: 'darwin', arch: 'universal', archs, interpreter: null };
  }
  return { os: 'unknown', arch: 'unknown', archs: [], interpreter: null };
}

function describe(kind) {
  const base = `${kind.os}-${kind.arch}`;
  if (kind.os === 'linux') {
    return `${base} (${kind.interpreter ? `dynamic, ${kind.interpreter}` : 'static'})`;
  }
  return base;
}

/** Why `kind` cannot run on `target`, or null when it can. */
function mismatch(kind, target) {
  const [platform, arch] = target.split('-');
  const os = platform === 'alpine' ? 'linux' : platform;
  if (kind.os !== os || !kind.archs.includes(arch)) {
    return `it is a ${describe(kind)} executable, not ${target}`;
  }
  // Alpine has musl, not glibc: a static binary, or one loaded by musl's loader.
  if (platform === 'alpine' && kind.interpreter && !kind.interpreter.includes('musl')) {
    return `it needs ${kind.interpreter} (glibc), which ${target} does not have: use a musl build`;
  }
  return null;
}

function parseArgs(argv) {
  const opts = { target: null, binary: null, out: null, universal: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--target') opts.target = value();
    else if (arg === '--binary') opts.binary = value();
    else if (arg === '--out') opts.out = value();
    else if (arg === '--universal') opts.universal = true;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (opts.universal === (opts.target !== null)) {
    throw new UsageError('give either --target TARGET or --universal');
  }
  if (opts.universal && opts.binary) {
    throw new UsageError('a universal .vsix carries no binary: drop --binary');
  }
  if (opts.target && !TARGETS.includes(opts.target)) {
    throw new UsageError(`unknown target ${opts.target}; one of ${TARGETS.join(', ')}`);
  }
  return opts;
}

/** Where `cargo build --release` put the binary for this machine. */
function defaultBinary(target) {
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(process.env.CARGO_TARGET_DIR)
    : path.join(repo, 'target');
  return path.join(targetDir, 'release', target.startsWith('win32') ? 'pyexplain.exe' : 'pyexplain');
}

/** Checks the binary for the target; returns its absolute path. */
function checkBinary(opts) {
  const given = opts.binary !== null;
  const binary = path.resolve(given ? opts.binary : defaultBinary(opts.target));
  if (!fs.existsSync(binary) || !fs.statSync(binary).isFile()) {
    const hint = given
      ? ''
      : ' (the default: build it with `cargo build --release` in the repository root; ' +
        'with CARGO_TARGET_DIR set it goes there), or pass --binary PATH';
    throw new UsageError(`${binary} does not exist${hint}`);
  }
  const why = mismatch(executableKind(binary), opts.target);
  if (why) {
    throw new UsageError(`${binary} cannot be bundled for ${opts.target}: ${why}`);
  }
  return binary;
}

function vsce(args) {
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
  if (!fs.existsSync(bin)) {
    throw new UsageError(`${bin} is missing: run \`npm ci\` in editors/vscode first`);
  }
  const r = spawnSync(bin, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    throw new Error(`vsce ${args.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`})`);
  }
}

function main(argv) {
  const opts = parseArgs(argv);
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const name = opts.universal ? `pyexplain-${version}.vsix` : `pyexplain-${opts.target}-${version}.vsix`;
  const out = path.resolve(opts.out || path.join(root, name));
  const binary = opts.universal ? null : checkBinary(opts);
  fs.rmSync(serverDir, { recursive: true, force: true });
  try {
    const args = ['package', '--out', out];
    if (binary) {
      fs.mkdirSync(serverDir);
      const dest = path.join(serverDir, opts.target.startsWith('win32') ? 'pyexplain.exe' : 'pyexplain');
      fs.copyFileSync(binary, dest);
      fs.chmodSync(dest, 0o755);
      console.log(`package: ${binary} -> ${path.relative(root, dest)} (${describe(executableKind(dest))})`);
      args.push('--target', opts.target);
    }
    vsce(args);
  } finally {
    fs.rmSync(serverDir, { recursive: true, force: true });
  }
  console.log(`package: ${out}`);
}

module.exports = { executableKind, mismatch, parseArgs, TARGETS };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`package: ${e.message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}

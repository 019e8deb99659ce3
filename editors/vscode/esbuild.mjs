// Builds the extension bundle (dist/extension.js) or, with --tests, the unit
// tests (dist/test/*.test.js, run by `node --test`).
//   node esbuild.mjs               development bundle, with source maps
//   node esbuild.mjs --production  minified bundle (used by vsce package)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       test bundles; `vscode` is not resolvable
//                                  there, so a test that reaches it fails to build
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  logLevel: 'info',
};

const options = args.has('--tests')
  ? {
      ...common,
      entryPoints: readdirSync('test')
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => `test/${f}`),
      outdir: 'dist/test',
      sourcemap: 'inline',
    }
  : {
      ...common,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/extension.js',
      external: ['vscode'],
      minify: production,
      sourcemap: !production,
      sourcesContent: false,
    };

if (args.has('--watch')) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}

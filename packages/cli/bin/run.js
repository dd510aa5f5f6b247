#!/usr/bin/env node
// The `nosana` executable, CommonJS (bin/package.json) so that the fast path starts without Node's ES module loader.
// `--version` and `job validate` are answered by dist/fast-path.cjs without loading oclif; everything else goes to
// oclif, which reads oclif.manifest.json, so no command module is imported until one runs.
const { join } = require('node:path');

// bigint-buffer (under @solana/spl-token, which most commands load) prints "bigint: Failed to load bindings, pure JS
// will be used (try npm run rebuild?)" on every load when its native addon was not built at install time, and then
// uses its pure-JS conversions, correctly. The workspace patches the line out (patches/); an install of the published
// CLI gets the package unpatched, so the binary drops exactly that one message, and nothing else.
const warn = console.warn;
console.warn = (...args) => {
  if (
    args.length === 1 &&
    typeof args[0] === 'string' &&
    args[0].startsWith('bigint: Failed to load bindings')
  )
    return;
  warn.apply(console, args);
};
const { runFastPath } = require('../dist/fast-path.cjs');

runFastPath(process.argv.slice(2)).then(async (answered) => {
  if (answered) return;
  // Node's fetch parses HTTP with WebAssembly; V8 recompiles hot WebAssembly with its optimizing tier in the
  // background, and a process waits for that work before it exits: ~0.15 s on every command that makes a request.
  // The baseline tier (Liftoff) is fast enough for a command's requests.
  require('node:v8').setFlagsFromString('--liftoff-only');
  const { execute } = await import('@oclif/core');
  // The package's root (not bin/, whose package.json only marks this file as CommonJS).
  await execute({ dir: join(__dirname, '..', 'package.json') });
});

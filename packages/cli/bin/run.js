#!/usr/bin/env node
// The `nosana` executable, CommonJS (bin/package.json) so that the fast path starts without Node's ES module loader.
// `--version` and `job validate` are answered by dist/fast-path.cjs without loading oclif; everything else goes to
// oclif, which reads oclif.manifest.json, so no command module is imported until one runs.
const { join } = require('node:path');
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

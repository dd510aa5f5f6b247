#!/usr/bin/env node
// The `nosana` executable. `--version` and `job validate` are answered without loading oclif (dist/fast-path.js);
// everything else goes to oclif, which reads oclif.manifest.json, so no command module is imported until one runs.
import { runFastPath } from '../dist/fast-path.js';

if (!(await runFastPath(process.argv.slice(2)))) {
  // Node's fetch parses HTTP with WebAssembly; V8 recompiles hot WebAssembly with its optimizing tier in the
  // background, and a process waits for that work before it exits: ~0.15 s on every command that makes a request.
  // The baseline tier (Liftoff) is fast enough for a command's requests.
  // (node:v8 is imported here, not at the top: loading it costs the fast path a few milliseconds.)
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--liftoff-only');
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}

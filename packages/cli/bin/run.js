#!/usr/bin/env node
// The `nosana` executable. `--version` and `job validate` are answered without loading oclif (dist/fast-path.js);
// everything else goes to oclif, which reads oclif.manifest.json, so no command module is imported until one runs.
import { runFastPath } from '../dist/fast-path.js';

if (!(await runFastPath(process.argv.slice(2)))) {
  // bigint-buffer (a dependency of @solana/spl-token) warns on stderr when its optional native addon is not built;
  // its pure-JS fallback is what we use, so the warning is noise for users.
  const warn = console.warn;
  console.warn = (...args) => {
    if (typeof args[0] === 'string' && args[0].startsWith('bigint: Failed to load bindings')) return;
    warn(...args);
  };
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}

#!/usr/bin/env node
// The `nosana` executable. oclif reads oclif.manifest.json, so no command module is imported until one runs.
import { execute } from '@oclif/core';

// bigint-buffer (a dependency of @solana/spl-token) warns on stderr when its optional native addon is not built;
// its pure-JS fallback is what we use, so the warning is noise for users.
const warn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === 'string' && args[0].startsWith('bigint: Failed to load bindings')) return;
  warn(...args);
};

await execute({ dir: import.meta.url });

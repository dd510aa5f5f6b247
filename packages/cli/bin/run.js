#!/usr/bin/env node
// The `nosana` executable. `--version` and `job validate` are answered without loading oclif (dist/fast-path.js);
// everything else goes to oclif, which reads oclif.manifest.json, so no command module is imported until one runs.
import { runFastPath } from '../dist/fast-path.js';

if (!(await runFastPath(process.argv.slice(2)))) {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}

#!/usr/bin/env node
// The `nosana` executable. oclif reads oclif.manifest.json, so no command module is imported until one runs.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });

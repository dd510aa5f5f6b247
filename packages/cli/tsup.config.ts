import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared.js';

// One file per command, so oclif loads only the command it runs.
export default defineConfig(
  packageConfig(['src/index.ts', 'src/commands/**/*.ts', 'src/hooks/*.ts', '!src/**/*.test.ts']),
);

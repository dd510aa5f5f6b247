import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared.js';

// One file per command, so oclif loads only the command it runs. The start-up fast path has its own
// configuration (tsup.fast-path.config.ts), built after this one.
export default defineConfig(
  packageConfig(['src/index.ts', 'src/commands/**/*.ts', 'src/hooks/*.ts', '!src/**/*.test.ts']),
);

import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared.js';

// The start-up fast path (`--version`, `job validate`) as one self-contained CommonJS file (dist/fast-path.cjs):
// its dependencies (@nosana/core, yaml, the validator's runtime, the color libraries) are bundled in, so starting it
// resolves and reads no other module, and the CommonJS bin (bin/run.js) loads it without starting Node's ES module
// loader (about 10 % of a bare start). Built after tsup.config.ts (which cleans dist/).
export default defineConfig(
  packageConfig(['src/fast-path.ts'], {
    format: ['cjs'],
    clean: false,
    dts: false,
    noExternal: [/.*/],
  }),
);

import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared.js';

// The start-up fast path (`--version`, `job validate`) as one self-contained file: its dependencies
// (@nosana/core, yaml, the validator's runtime, the color libraries) are bundled in, so starting it resolves and
// reads no other module. Built after tsup.config.ts (which cleans dist/). CommonJS dependencies get a `require`.
export default defineConfig(
  packageConfig(['src/fast-path.ts'], {
    clean: false,
    dts: false,
    noExternal: [/.*/],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  }),
);

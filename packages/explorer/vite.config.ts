import { defineConfig } from 'vite';

/** The web app: sources in src/web, static files in dist/web (served by the indexer at `/`). */
export default defineConfig({
  root: 'src/web',
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The app in one script and one stylesheet, uPlot in a chunk of its own loaded by the first chart (pages paint
    // their tables first); hashed for immutable caching.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});

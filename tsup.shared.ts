import type { Options } from 'tsup';

/**
 * The one tsup configuration every package shares: ESM only, Node 20, one file per entry (no chunk
 * splitting, so published tarballs never reference chunks they do not contain), declarations and
 * source maps. Packages call it with their entry points and nothing else.
 */
export function packageConfig(entry: Options['entry'] = ['src/index.ts'], extra: Options = {}): Options {
  return {
    entry,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: false,
    sourcemap: true,
    dts: true,
    clean: true,
    ...extra,
  };
}

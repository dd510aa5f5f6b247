import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite (`src/*.faults.test.ts`): a node behind proxies that cut, slow or garble its RPC,
 * WebSocket and IPFS traffic, killed with SIGKILL at seeded points. Run on demand with `pnpm test:faults` (in
 * tests/); it is not part of `scripts/test` while its escrow check is investigated (docs/security.md).
 */
export default defineConfig({
  resolve: { conditions: ['@nosana/source'] },
  ssr: { resolve: { conditions: ['@nosana/source'] } },
  test: {
    allowOnly: false,
    include: ['src/**/*.faults.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});

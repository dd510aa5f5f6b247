import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite (`src/*.faults.test.ts`): a node behind proxies that cut, slow or garble its RPC,
 * WebSocket and IPFS traffic, killed with SIGKILL at seeded points, each seed on its own localnet. `test:integration`
 * (so `scripts/test`) runs its first seed; `pnpm test:faults` (in tests/) runs every seed.
 */
export default defineConfig({
  resolve: { conditions: ['@nosana/source'] },
  ssr: { resolve: { conditions: ['@nosana/source'] } },
  test: {
    allowOnly: false,
    include: ['src/**/*.faults.test.ts'],
    testTimeout: 600_000,
    // A seed's own set-up (localnet, proxies) is inside its test, so a timeout tears it down too.
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});

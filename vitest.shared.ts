import { defineConfig } from 'vitest/config';

/**
 * Shared vitest configuration. Workspace siblings resolve through the `@nosana/source` export
 * condition, so tests always run against sources, never against stale builds.
 *
 * Two projects, both next to the code:
 * - `unit` — `*.test.ts`: fast, no network, fakes behind interfaces allowed (`vitest run --project unit`);
 * - `integration` — `*.integration.test.ts`: against the real thing (Docker engine, litesvm localnet,
 *   processes); run one file at a time (`vitest run --project integration`).
 */
export function packageTestConfig() {
  return defineConfig({
    resolve: { conditions: ['@nosana/source'] },
    ssr: { resolve: { conditions: ['@nosana/source'] } },
    test: {
      allowOnly: false,
      restoreMocks: true,
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
            exclude: ['**/node_modules/**', '**/*.integration.test.ts'],
            testTimeout: 30_000,
          },
        },
        {
          extends: true,
          test: {
            name: 'integration',
            include: ['src/**/*.integration.test.ts', 'test/**/*.integration.test.ts'],
            testTimeout: 180_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
      ],
    },
  });
}

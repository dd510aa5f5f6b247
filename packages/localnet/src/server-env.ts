/**
 * The environment a process that serves the localnet should start with. Loaded by the CLI before it starts a
 * detached localnet, so this module imports nothing.
 */

/**
 * glibc's malloc settings for a localnet process (see mallopt(3)): keep up to 256 MiB of freed heap for reuse
 * instead of returning it to the kernel after every garbage collection, and serve allocations up to 32 MiB from the
 * heap. Without them every IPFS upload's socket buffers and every block read touch fresh pages, which on some
 * virtual machines costs more CPU than parsing and storing the bytes (docs/benchmarks.md, "The receiving side").
 * Other C libraries ignore them.
 */
export const LOCALNET_MALLOC_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024),
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
});

/**
 * `env` with {@link LOCALNET_MALLOC_ENV} added, unless the caller already tunes glibc's malloc (any `MALLOC_*`
 * variable of it, or `GLIBC_TUNABLES`): an operator's own settings win.
 *
 * @example
 * ```ts
 * spawn(process.execPath, ['server.js'], { env: localnetServerEnv(process.env) });
 * localnetServerEnv({ PATH: '/usr/bin' }); // { PATH: '/usr/bin', MALLOC_TRIM_THRESHOLD_: '268435456', MALLOC_MMAP_THRESHOLD_: '33554432' }
 * ```
 */
export function localnetServerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tuned =
    env.GLIBC_TUNABLES !== undefined || Object.keys(env).some((name) => /^MALLOC_[A-Z_]+$/.test(name));
  return tuned ? { ...env } : { ...env, ...LOCALNET_MALLOC_ENV };
}

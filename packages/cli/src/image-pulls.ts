/**
 * Image pulls of a running job as its node reports them (`GET /node/info` → `jobs[].pulls`), and how `job get` and
 * `job post --wait` show them: `pulling <image> 1.2/2.0 GB (60 %)`.
 */

/** One op's image pull, as the node API reports it. */
export interface JobPull {
  opId: string;
  image: string;
  /** `downloading`, `extracting` or `complete`. */
  phase?: string;
  /** Bytes downloaded / total of the layers known so far. */
  current: number;
  total: number;
  layers?: { total: number; done: number; cached: number };
}

/** What the node API says about a running job: its loopback endpoints and its image pulls. */
export interface NodeJobView {
  endpoints: Array<{ opId: string; port: number; url: string; status: string }>;
  pulls: JobPull[];
}

/** Bytes as people read them: `512 kB`, `38.4 MB`, `1.2 GB` (decimal units, as registries and Docker print). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

/** `1.2/2.0 GB`: both amounts in the unit of the total. */
function fraction(current: number, total: number): string {
  const [unit, scale] = total >= 1e9 ? ['GB', 1e9] : total >= 1e6 ? ['MB', 1e6] : ['kB', 1e3];
  return `${(current / scale).toFixed(1)}/${(total / scale).toFixed(1)} ${unit}`;
}

/**
 * One line for a pull: `pulling <image> 1.2/2.0 GB (60 %)`, `extracting <image> (2.0 GB)`, `pulled <image> (2.0 GB)`.
 *
 * @example
 * ```ts
 * describePull({ opId: 'main', image: 'app:1', phase: 'downloading', current: 1.2e9, total: 2e9 });
 * // 'pulling app:1 1.2/2.0 GB (60 %)'
 * ```
 */
export function describePull(pull: JobPull): string {
  if (pull.phase === 'complete') return `pulled ${pull.image} (${formatBytes(pull.total)})`;
  if (pull.phase === 'extracting') return `extracting ${pull.image} (${formatBytes(pull.total)})`;
  if (pull.total <= 0) return `pulling ${pull.image}`;
  const percent = Math.min(100, Math.floor((pull.current / pull.total) * 100));
  return `pulling ${pull.image} ${fraction(pull.current, pull.total)} (${percent} %)`;
}

/** Pulls still under way. */
export const activePulls = (pulls: JobPull[]): JobPull[] => pulls.filter((p) => p.phase !== 'complete');

/**
 * A running job's view from its node's public `/node/info`; undefined when the node does not answer (in time) or
 * does not run the job.
 *
 * @example
 * ```ts
 * const view = await fetchNodeJob('http://127.0.0.1:5101', job);
 * for (const pull of view?.pulls ?? []) console.log(describePull(pull));
 * ```
 */
export async function fetchNodeJob(
  nodeApi: string,
  job: string,
  timeoutMs = 2000,
): Promise<NodeJobView | undefined> {
  try {
    const response = await fetch(`${nodeApi}/node/info`, { signal: AbortSignal.timeout(timeoutMs) });
    const info = (await response.json()) as {
      jobs?: Array<{
        job: string;
        endpoints?: NodeJobView['endpoints'];
        pulls?: Record<string, Omit<JobPull, 'opId'>>;
      }>;
    };
    const found = info.jobs?.find((j) => j.job === job);
    if (!found) return undefined;
    const pulls = Object.entries(found.pulls ?? {}).flatMap(([opId, p]) =>
      typeof p?.image === 'string' && Number.isFinite(p.current) && Number.isFinite(p.total)
        ? [
            {
              opId,
              // The node is not trusted: no terminal control characters, bounded length.
              image: p.image.replace(/[^\x20-\x7e]/g, '?').slice(0, 256),
              current: p.current,
              total: p.total,
              ...(typeof p.phase === 'string' ? { phase: p.phase } : {}),
              ...(p.layers ? { layers: p.layers } : {}),
            },
          ]
        : [],
    );
    return { endpoints: found.endpoints ?? [], pulls };
  } catch {
    return undefined;
  }
}

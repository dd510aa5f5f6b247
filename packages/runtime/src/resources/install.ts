/**
 * Puts an op's resources into its created container: each is downloaded (download.ts), copied in from the
 * container's root so missing parent directories come with the archive, and its temporary files removed.
 */
import { type ContainerRunOperation, isNosanaError, NosanaError } from '@nosana/core';
import '../errors.js';
import type { ContainerEngine } from '../engine/types.js';
import { type DownloadOptions, downloadResource } from './download.js';

/** Parameters of {@link installResources}. */
export interface InstallResourcesParameters {
  engine: ContainerEngine;
  containerId: string;
  opId: string;
  /** The op's hydrated `resources`. */
  resources: ContainerRunOperation['args']['resources'];
  downloads?: Omit<DownloadOptions, 'signal'>;
  signal: AbortSignal;
}

/**
 * Downloads an op's resources and copies them into its container (`RUNTIME__RESOURCE_FAILED` when one cannot be).
 *
 * @example
 * ```ts
 * await installResources({ engine, containerId, opId: 'main', resources: op.args.resources, signal });
 * ```
 */
export async function installResources({
  engine,
  containerId,
  opId,
  resources,
  downloads,
  signal,
}: InstallResourcesParameters): Promise<void> {
  for (const [i, resource] of (resources ?? []).entries()) {
    if (typeof resource !== 'object' || '__spread__' in resource) continue;
    const downloaded = await downloadResource(resource, opId, { ...downloads, signal });
    try {
      const root = downloaded.directory.replace(/^\/+/, '');
      await engine.putFiles(
        containerId,
        '/',
        downloaded.files.map((f) => ({ ...f, name: root ? `${root}/${f.name}` : f.name })),
      );
    } catch (error) {
      const reason = isNosanaError(error, 'RUNTIME__ENGINE_REQUEST_FAILED')
        ? error.context.reason
        : (error as Error).message;
      throw new NosanaError(
        'RUNTIME__RESOURCE_FAILED',
        `op "${opId}": resource ${i} could not be copied into the container: ${reason}`,
        { op: opId, resource: String(i), reason },
        { cause: error },
      );
    } finally {
      downloaded.cleanup();
    }
  }
}

/**
 * Confidential jobs (the real network's `logistics`): the definition pinned to IPFS is a placeholder with no ops,
 * the real definition travels to the node that claimed the job through its API, and the result comes back the same
 * way while IPFS gets a blank one. `send` says how the node gets the definition, `receive` how the result leaves it:
 * `api-listen` (the node API waits for the poster) or `api` (the node calls the poster's endpoint).
 */
import type { JobDefinition, Logistics } from './types.js';

/**
 * The placeholder `nosana job post --confidential` pins: the same document the real CLI pins (no ops; definition
 * and result exchanged through the node API).
 *
 * @example
 * ```ts
 * const cid = await ipfs.pin(confidentialPlaceholder());
 * ```
 */
export function confidentialPlaceholder(): JobDefinition {
  return {
    version: '0.1',
    type: 'container',
    meta: { trigger: 'cli' },
    logistics: { send: { type: 'api-listen', args: {} }, receive: { type: 'api-listen', args: {} } },
    ops: [],
  };
}

/**
 * How the node gets a job's real definition, when it is not the document on IPFS: `logistics.send`.
 *
 * @example
 * ```ts
 * definitionLogistics(confidentialPlaceholder()); // { type: 'api-listen', args: {} }
 * definitionLogistics({ version: '0.1', type: 'container', ops: [] }); // undefined
 * ```
 */
export function definitionLogistics(definition: JobDefinition): Logistics | undefined {
  return definition.logistics?.send;
}

/**
 * How the real result leaves the node, when IPFS gets a blank one: `logistics.receive`.
 *
 * @example
 * ```ts
 * resultLogistics(confidentialPlaceholder()); // { type: 'api-listen', args: {} }
 * ```
 */
export function resultLogistics(definition: JobDefinition): Logistics | undefined {
  return definition.logistics?.receive;
}

/**
 * A logistics endpoint with the job's address in place of `%%global.job%%` (as the real node does).
 *
 * @example
 * ```ts
 * logisticsEndpoint('https://me.example/jobs/%%global.job%%/definition', job);
 * ```
 */
export function logisticsEndpoint(endpoint: string, job: string): string {
  return endpoint.replaceAll('%%global.job%%', job);
}

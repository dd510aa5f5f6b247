/**
 * The node's side of `@nosana/trust`: it opens the secrets sealed to it into the containers' env, seals a result to
 * its poster when the definition asks (`meta.seal_results`), and signs an execution receipt pinned with every
 * result. The node's secret key stays inside the closures made here.
 */
import type { FlowState, JobDefinition } from '@nosana/core';
import type { ContainerEngine } from '@nosana/runtime';
import {
  boxFromText,
  boxToText,
  buildReceipt,
  findSecrets,
  openDefinitionSecrets,
  openSealed,
  type ResolvedImage,
  seal,
  sealResult,
  signReceipt,
} from '@nosana/trust';

/** Parameters of {@link NodeTrust.finalize}. */
export interface FinalizeResultParameters {
  job: string;
  run: string;
  market: string;
  /** The definition's CID on chain. */
  definitionCid: string;
  /** The definition as run (null when it could not be read or was invalid). */
  definition: JobDefinition | null;
  /** The poster (the job's `project`). */
  poster: string;
  /** The flow in clear, already cut to size. */
  flow: FlowState;
}

/** What the node does with its key for a job. */
export interface NodeTrust {
  /** True when the definition holds secret or sealed env values. */
  hasSecrets(definition: JobDefinition): boolean;
  /** The definition with the secrets sealed to this node opened (throws `TRUST__*` otherwise, values never shown). */
  openSecrets(definition: JobDefinition, poster: string): JobDefinition;
  /** The document to pin: sealed to the poster when asked, with the signed receipt. */
  finalize(parameters: FinalizeResultParameters): Promise<FlowState>;
  /** A value sealed to this node itself (what a confidential job leaves in the node's state directory). */
  sealAtRest(value: unknown, context: string): string;
  /** A value sealed by {@link NodeTrust.sealAtRest} with the same context. */
  openAtRest(box: string, context: string): unknown;
}

/** Parameters of {@link createNodeTrust}. */
export interface CreateNodeTrustParameters {
  address: string;
  /** The node wallet's 64-byte secret key. */
  secretKey: Uint8Array;
  engine: Pick<ContainerEngine, 'inspectImage' | 'info'>;
  software: { name: string; version: string };
  gpus: string[];
  onWarning?: (message: string) => void;
}

/** True when the definition asks for its result sealed to the poster (`meta.seal_results: true`). */
export function wantsSealedResults(definition: JobDefinition | null): boolean {
  return (definition?.meta as { seal_results?: unknown } | undefined)?.seal_results === true;
}

/**
 * The node's trust capabilities over its wallet and engine.
 *
 * @example
 * ```ts
 * const trust = createNodeTrust({ address, secretKey: wallet.secretKey, engine, software: { name: '@nosana/node', version }, gpus: [] });
 * ```
 */
export function createNodeTrust(parameters: CreateNodeTrustParameters): NodeTrust {
  const { address, secretKey, engine } = parameters;
  let engineName: Promise<string | null> | undefined;
  const describeEngine = () => {
    engineName ??= engine.info().then(
      (info) => `${info.kind} ${info.version}`,
      () => null,
    );
    return engineName;
  };
  const resolve = async (image: string): Promise<ResolvedImage> => {
    try {
      const found = await engine.inspectImage?.(image);
      return found ? { id: found.id, repoDigests: found.repoDigests } : { id: null, repoDigests: [] };
    } catch (error) {
      parameters.onWarning?.(`resolving image ${image} for the receipt failed: ${(error as Error).message}`);
      return { id: null, repoDigests: [] };
    }
  };
  return {
    hasSecrets: (definition) => findSecrets(definition).length > 0,
    openSecrets: (definition, poster) =>
      openDefinitionSecrets({ definition, node: address, secretKey, poster }),
    sealAtRest: (value, context) =>
      boxToText(
        seal({
          to: address,
          plaintext: new TextEncoder().encode(JSON.stringify(value)),
          context: `at-rest ${context}`,
        }),
      ),
    openAtRest: (box, context) =>
      JSON.parse(
        new TextDecoder().decode(
          openSealed({
            box: boxFromText(box, context),
            secretKey,
            context: `at-rest ${context}`,
            where: `the node's sealed ${context}`,
          }),
        ),
      ),
    async finalize({ job, run, market, definitionCid, definition, poster, flow }) {
      const pinned = wantsSealedResults(definition) ? sealResult({ flow, job, poster }) : flow;
      const images: Record<string, ResolvedImage> = {};
      for (const op of definition?.ops ?? []) {
        if (op.type !== 'container/run') continue;
        const image = (op.args as { image?: string }).image ?? definition?.global?.image;
        if (image && !(image in images)) images[image] = await resolve(image);
      }
      const engineDescription = await describeEngine();
      const receipt = buildReceipt({
        job,
        run,
        market,
        definitionCid,
        node: address,
        definition,
        flow,
        pinned,
        images,
        software: parameters.software,
        ...(engineDescription ? { engine: engineDescription } : {}),
        gpus: parameters.gpus,
      });
      return { ...pinned, receipt: signReceipt(receipt, secretKey) };
    },
  };
}

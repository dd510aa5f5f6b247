/**
 * The CLI's use of `@nosana/trust` around posting and reading jobs: secrets sealed before a definition is pinned,
 * sealed results opened with the poster's wallet.
 */
import type { MarketView } from '@nosana/chain';
import type { FlowState, JobDefinition } from '@nosana/core';
import type { Keypair } from '@solana/web3.js';

/** Parameters of {@link prepareTrust}. */
export interface PrepareTrustParameters {
  definition: JobDefinition;
  poster: Keypair;
  market: MarketView;
  /** The node the job is posted to (`--host`), if any. */
  host?: string;
  sealResults: boolean;
}

/**
 * The definition to pin: `{ secret }` env values sealed to the node that will run it (`--host`, else the nodes
 * waiting in the market queue, one of which takes the job at once), and `meta.seal_results` when asked. Throws
 * `TRUST__NO_RECIPIENTS` when secrets have no node to go to. Returns the recipients too, for messages.
 *
 * @example
 * ```ts
 * const { definition } = await prepareTrust({ definition, poster: keypair, market, sealResults: true });
 * ```
 */
export async function prepareTrust(
  parameters: PrepareTrustParameters,
): Promise<{ definition: JobDefinition; recipients: string[] }> {
  const trust = await import('@nosana/trust');
  let definition = parameters.definition;
  if (parameters.sealResults)
    definition = { ...definition, meta: { ...definition.meta, seal_results: true } };
  if (!trust.findSecrets(definition).some((s) => s.kind === 'secret')) return { definition, recipients: [] };
  const recipients = parameters.host
    ? [parameters.host]
    : parameters.market.queueKind === 'nodes'
      ? parameters.market.queue.map((node) => node.toBase58())
      : [];
  definition = trust.sealDefinitionSecrets({
    definition,
    poster: parameters.poster.publicKey.toBase58(),
    recipients,
  });
  return { definition, recipients };
}

/**
 * A result in clear: a sealed one opened with the wallet (which must be the poster's), others as they are.
 *
 * @example
 * ```ts
 * const flow = await openIfSealed(await client.jobs.result(job), job, keypair);
 * ```
 */
export async function openIfSealed(
  flow: FlowState,
  job: string,
  wallet: Keypair | undefined,
): Promise<FlowState> {
  const trust = await import('@nosana/trust');
  if (!trust.isSealedResult(flow)) return flow;
  if (!wallet) {
    const { NosanaError } = await import('@nosana/core');
    throw new NosanaError(
      'TRUST__RESULT_NOT_FOR_THIS_WALLET',
      `the result of job ${job} is sealed to its poster — open it with the posting wallet (-w <keyfile>)`,
      { job, wallet: '', sealedTo: String((flow.sealed as { to?: string }).to ?? '') },
    );
  }
  return trust.openResult({ document: flow, job, secretKey: wallet.secretKey });
}

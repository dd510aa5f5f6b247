/**
 * `nosana job get <job>` on the start-up fast path (see fast-reads.ts): the job and its run read with
 * `@nosana/chain/lite`, its definition and result read from IPFS and verified by their CIDs, its public URLs while
 * queued, printed with job-output.ts as the oclif command prints them. What needs more is left to oclif: a running
 * job (its node's endpoints and pulls, the gateway's live status), a confidential job or a sealed result (the
 * wallet and the node), content over one chunk, a gateway given in the environment.
 */
import type { LiteContentSource } from '@nosana/chain/lite';
import type { FlowState, JobDefinition } from '@nosana/core';
import { answer, type FastReadIo, parseReadLine, type ReadLine, readNetwork } from './fast-reads.js';

/**
 * Parses `job get <job> …` (argv after `job get`); null when oclif must run it (`--wait`, `--logs`, `--download`,
 * `--node-api`, `--gateway`, help, …).
 *
 * @example
 * ```ts
 * parseJobGet(['9xQe…', '--json']); // { args: ['9xQe…'], json: true }
 * ```
 */
export const parseJobGet = (rest: string[]): ReadLine | null => parseReadLine(rest, 1);

/** Thrown inside a read to hand the command to oclif. */
const TO_OCLIF = Symbol('to oclif');

/**
 * Answers a parsed `job get`; resolves false (having printed nothing) when oclif must run it.
 *
 * @example
 * ```ts
 * const read = parseJobGet(argv.slice(2));
 * if (read && (await runJobGet(read, io))) return true;
 * ```
 */
export async function runJobGet(read: ReadLine, io: FastReadIo): Promise<boolean> {
  if (io.env.NOSANA_GATEWAY_URL !== undefined) return false;
  return answer(read, io, () =>
    jobGet(read, io).catch((error: unknown) => {
      if (error === TO_OCLIF) return null;
      throw error;
    }),
  );
}

/** The job's lines and `--json` result; null (or {@link TO_OCLIF} thrown) when oclif must answer. */
async function jobGet(read: ReadLine, io: FastReadIo): Promise<{ lines: string; result: unknown } | null> {
  const network = await readNetwork(read, io);
  if (!network) return null;
  const lite = await import('@nosana/chain/lite');
  const address = read.args[0]!;
  if (!lite.isAddress(address)) return null;
  const { config } = network;
  const rpc = { rpcUrl: config.rpcUrl };
  const job = await lite.getJobLite({
    ...rpc,
    programs: config.programs,
    network: network.name,
    job: address,
  });
  if (job.state === 'RUNNING') return null;
  const source: LiteContentSource | undefined = config.ipfs.apiUrl
    ? { kuboApi: config.ipfs.apiUrl }
    : io.env.PINATA_JWT
      ? undefined
      : { gateway: config.ipfs.gatewayUrl };
  if (!source) return null;
  const fetchJson = async <T>(cid: string, lenient: boolean): Promise<T | undefined> => {
    try {
      return await lite.readJsonLite<T>({ source, cid });
    } catch (error) {
      const { isNosanaError } = await import('@nosana/core');
      if (isNosanaError(error, 'CHAIN__LITE_UNSUPPORTED')) throw TO_OCLIF;
      if (lenient) return undefined;
      throw error;
    }
  };
  // Definition errors are not the command's (as in oclif): no services, not confidential.
  const definition =
    job.result || job.state === 'QUEUED' ? await fetchJson<JobDefinition>(job.definition, true) : undefined;
  let flow: FlowState | null = null;
  if (job.result) {
    if (definition?.logistics?.receive !== undefined) return null;
    flow = (await fetchJson<FlowState>(job.result, false)) ?? null;
    // A sealed result (or anything that says so) is opened by oclif, with the wallet.
    if (flow && flow.sealed !== undefined) return null;
  }
  const { describeServices, jobServices, MAINNET_GATEWAY } = await import('./job-services.js');
  const gateway =
    job.state !== 'QUEUED'
      ? undefined
      : network.name === 'mainnet'
        ? MAINNET_GATEWAY
        : network.name === 'localnet'
          ? await lite
              .localnetInfoLite({ ...rpc, timeoutMs: 3000 })
              .then((info) => info?.services?.gateway)
              .catch(() => undefined)
          : undefined;
  const services =
    job.state === 'QUEUED' && definition
      ? await jobServices({ definition, job: address, project: job.project, gateway })
      : [];
  const output = await import('./job-output.js');
  const lines = [
    output.describeJobText(job, config.explorer, io.colorize),
    ...describeServices(services, false),
    ...(flow ? [output.describeResultText(flow, io.colorize)] : []),
  ];
  return {
    lines: lines.join('\n'),
    result: {
      ...output.summarizeJob(job),
      status: flow?.status ?? null,
      endpoints: [],
      pulls: [],
      services,
    },
  };
}

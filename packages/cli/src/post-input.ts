/** What `job post` reads before anything touches the network: the definition, and the --host it names. */
import { readFile } from 'node:fs/promises';
import type { MarketView } from '@nosana/chain';
import type { JobDefinition } from '@nosana/core';
import { fetchDefinition } from './fetch-definition.js';
import { solanaAddress } from './input.js';

/**
 * The definition `job post` posts: from --file, --url, standard input or a command, validated (every issue thrown at
 * once; warnings handed to `warn`).
 *
 * @example
 * ```ts
 * const definition = await readPostDefinition(core, flags, argv, (message) => this.warnUser(message));
 * ```
 */
export async function readPostDefinition(
  core: typeof import('@nosana/core'),
  flags: { file?: string; url?: string; image?: string; gpu: boolean; network: string },
  command: string[],
  warn: (message: string) => void,
): Promise<JobDefinition> {
  const { NosanaError } = core;
  const source = flags.file ?? flags.url;
  if (source !== undefined) {
    if (command.length > 0)
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        `give either --${flags.file ? 'file' : 'url'} or a command, not both (got "${command.join(' ')}")`,
        { flag: flags.file ? 'file' : 'url', value: source },
      );
    const text = flags.url
      ? await fetchDefinition({
          url: flags.url,
          allowPrivate: flags.network === 'localnet',
          maxBytes: core.JOB_DEFINITION_LIMITS.maxDocumentBytes,
        })
      : flags.file === '-'
        ? await readStdin()
        : await readFile(source, 'utf8');
    return validated(core, text, flags.file === '-' ? '<stdin>' : source, warn);
  } else {
    if (!flags.image)
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        'nothing to run — pass --file <job.json>, --url <https://…/job.json>, or --image <image> followed by a command',
        { flag: 'image', value: '' },
      );
    if (command.length === 0)
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        `--image ${flags.image} needs a command to run, e.g. -- echo hello`,
        { flag: 'image', value: flags.image },
      );
    const text = JSON.stringify({
      version: '0.1',
      type: 'container',
      meta: { trigger: 'cli' },
      ops: [
        {
          type: 'container/run',
          id: 'run',
          args: { image: flags.image, cmd: command, ...(flags.gpu ? { gpu: true } : {}) },
        },
      ],
    });
    return validated(core, text, '<command line>', warn);
  }
}

/** Parses and validates a definition; warnings are shown, errors thrown with every issue. */
function validated(
  core: typeof import('@nosana/core'),
  text: string,
  source: string,
  warn: (message: string) => void,
): JobDefinition {
  const parsed = core.parseJobDefinition({ text, source });
  for (const warning of parsed.warnings) warn(`${source}: ${core.formatIssue(warning)}`);
  if (!parsed.ok) throw core.invalidJobDefinitionError(parsed.errors, source);
  return parsed.definition;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `--host` must name a node waiting in the market's queue: checked before anything is pinned or sent.
 *
 * @example
 * ```ts
 * await checkHost(core, market, flags.host); // CLI__INVALID_FLAG when it is not queued there
 * ```
 */
export async function checkHost(
  core: typeof import('@nosana/core'),
  market: MarketView,
  host: string,
): Promise<void> {
  const node = await solanaAddress(host, '--host');
  const queued = market.queueKind === 'nodes' ? market.queue.map((key) => key.toBase58()) : [];
  if (queued.includes(node)) return;
  const where = market.name ?? market.address.toBase58();
  throw new core.NosanaError(
    'CLI__INVALID_FLAG',
    `--host ${node} is not waiting in the queue of market ${where} (${queued.length === 0 ? 'no node is queued' : `queued: ${queued.slice(0, 5).join(', ')}${queued.length > 5 ? ', …' : ''}`}) — post without --host, or pick a queued node (nosana market get ${where})`,
    { flag: 'host', value: host },
  );
}

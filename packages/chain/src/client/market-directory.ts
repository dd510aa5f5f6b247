/**
 * The market directory: the names (slugs), GPU lists and required images of a network's markets, which the chain
 * does not hold. The vendor publishes them at its dashboard API (`GET /api/markets/`); a directory is read from
 * there, from a file of the same shape, or from where a caller stored one. Its answer is data from outside: every
 * entry is checked, and a bad one is dropped with its reason, never trusted.
 */
import { isNosanaError, NosanaError } from '@nosana/core';
import { PublicKey } from '@solana/web3.js';
import '../errors.js';
import { readCapped } from '../ipfs/content-store.js';

/** Where the vendor publishes the markets of its networks (the answer's shape is in its published OpenAPI schema). */
export const VENDOR_MARKET_DIRECTORY_URLS: Readonly<Record<string, string>> = {
  mainnet: 'https://dashboard.k8s.prd.nos.ci/api/markets/',
  devnet: 'https://dashboard.k8s.dev.nos.ci/api/markets/',
};

/** Most markets a directory may hold. */
export const MAX_DIRECTORY_MARKETS = 2000;
/** Largest directory answer read, in bytes. */
export const MAX_DIRECTORY_BYTES = 4 * 2 ** 20;

/** One market of a directory, in the vendor's field names (the form a directory is stored in). */
export interface MarketDirectoryEntry {
  address: string;
  /** The short name people use (`--market nvidia-4090`). */
  slug: string;
  /** The display name. */
  name: string;
  /** `PREMIUM`, `COMMUNITY` or `OTHER` on the real network. */
  type: string;
  /** GPU models the market admits, as the vendor names them ("NVIDIA GeForce RTX 4090"); empty: not published. */
  gpu_types: string[];
  /** The least GPU memory the market asks for, in GB, when published. */
  lowest_vram?: number;
  /** Images the market's hosts pre-pull. */
  required_images: string[];
}

/** A network's market directory and where it came from. */
export interface MarketDirectory {
  network: string;
  /** The URL or file it was read from. */
  source: string;
  /** When it was read (ISO 8601). */
  fetchedAt: string;
  markets: MarketDirectoryEntry[];
}

/** Result of {@link parseMarketDirectory}. */
export interface ParseMarketDirectoryResult {
  directory: MarketDirectory;
  /** Entries left out, with why (by their position in the answer). */
  dropped: Array<{ index: number; reason: string }>;
}

/** Parameters of {@link parseMarketDirectory}. */
export interface ParseMarketDirectoryParameters {
  /** The vendor's answer (an array of markets), or a stored directory (an object with `markets`). */
  body: unknown;
  network: string;
  source: string;
  fetchedAt: string;
}

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const IMAGE = /^[A-Za-z0-9][\w.:/@+-]{0,511}$/;
const strings = (value: unknown, max: number, each: number): string[] | undefined =>
  Array.isArray(value) && value.length <= max && value.every((v) => typeof v === 'string' && v.length <= each)
    ? (value as string[])
    : undefined;
const printable = (text: string) => text.replace(/\p{Cc}/gu, '').slice(0, 128);

function entryProblem(raw: unknown): string | MarketDirectoryEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not an object';
  const r = raw as Record<string, unknown>;
  if (typeof r.address !== 'string') return 'no address';
  try {
    if (new PublicKey(r.address).toBase58() !== r.address)
      return `address ${r.address.slice(0, 60)} is not canonical`;
  } catch {
    return `address ${String(r.address).slice(0, 60)} is not a Solana address`;
  }
  if (typeof r.slug !== 'string' || !SLUG.test(r.slug))
    return `slug ${JSON.stringify(String(r.slug ?? '')).slice(0, 70)} is not a name of letters, digits, ".", "_" or "-" (at most 64)`;
  const gpuTypes = r.gpu_types === undefined || r.gpu_types === null ? [] : strings(r.gpu_types, 64, 128);
  if (!gpuTypes) return 'gpu_types is not a list of at most 64 names';
  const images =
    r.required_images === undefined || r.required_images === null ? [] : strings(r.required_images, 32, 512);
  if (!images?.every((i) => IMAGE.test(i)))
    return 'required_images is not a list of at most 32 image references';
  const vram = r.lowest_vram;
  if (
    vram !== undefined &&
    vram !== null &&
    !(typeof vram === 'number' && Number.isFinite(vram) && vram >= 0 && vram <= 4096)
  )
    return 'lowest_vram is not a number of GB';
  return {
    address: r.address,
    slug: r.slug,
    name: typeof r.name === 'string' ? printable(r.name) : r.slug,
    type: typeof r.type === 'string' ? printable(r.type).slice(0, 32) : 'OTHER',
    gpu_types: gpuTypes.map(printable),
    ...(typeof vram === 'number' ? { lowest_vram: vram } : {}),
    required_images: images,
  };
}

/**
 * Checks a directory answer entry by entry: an entry with a bad address, slug, GPU list, image list or VRAM is
 * dropped with its reason; a second entry with a slug or address already seen is dropped too. Pure.
 *
 * @example
 * ```ts
 * const { directory, dropped } = parseMarketDirectory({ body: await response.json(), network: 'mainnet', source: url, fetchedAt: new Date().toISOString() });
 * ```
 */
export function parseMarketDirectory({
  body,
  network,
  source,
  fetchedAt,
}: ParseMarketDirectoryParameters): ParseMarketDirectoryResult {
  const list = Array.isArray(body) ? body : (body as { markets?: unknown } | null)?.markets;
  if (!Array.isArray(list))
    throw directoryError(source, 'the answer is not a list of markets (nor an object with "markets")');
  if (list.length > MAX_DIRECTORY_MARKETS)
    throw directoryError(
      source,
      `${list.length} markets, more than the ${MAX_DIRECTORY_MARKETS} a directory may hold`,
    );
  const markets: MarketDirectoryEntry[] = [];
  const dropped: ParseMarketDirectoryResult['dropped'] = [];
  const seen = new Set<string>();
  list.forEach((raw, index) => {
    const entry = entryProblem(raw);
    if (typeof entry === 'string') dropped.push({ index, reason: entry });
    else if (seen.has(entry.slug) || seen.has(entry.address))
      dropped.push({ index, reason: `${entry.slug} (${entry.address}) appears twice` });
    else {
      seen.add(entry.slug).add(entry.address);
      markets.push(entry);
    }
  });
  return { directory: { network, source, fetchedAt, markets }, dropped };
}

/** Parameters of {@link fetchMarketDirectory}. */
export interface FetchMarketDirectoryParameters {
  network: string;
  /** Default: the vendor's URL for the network ({@link VENDOR_MARKET_DIRECTORY_URLS}). */
  url?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: () => Date;
  fetch?: typeof globalThis.fetch;
}

/**
 * Reads a network's market directory over HTTP(S): one GET, bounded in time and size, then
 * {@link parseMarketDirectory}. Throws `CHAIN__MARKET_DIRECTORY_UNREADABLE` for an unreachable URL, an HTTP error,
 * an answer over {@link MAX_DIRECTORY_BYTES} or one that is not JSON.
 *
 * @example
 * ```ts
 * const { directory } = await fetchMarketDirectory({ network: 'mainnet' });
 * directory.markets.map((m) => m.slug);
 * ```
 */
export async function fetchMarketDirectory({
  network,
  url = VENDOR_MARKET_DIRECTORY_URLS[network],
  timeoutMs = 15_000,
  signal,
  now = () => new Date(),
  fetch = globalThis.fetch,
}: FetchMarketDirectoryParameters): Promise<ParseMarketDirectoryResult> {
  if (!url)
    throw new NosanaError(
      'CHAIN__MARKET_DIRECTORY_UNREADABLE',
      `no market directory is published for network ${network} — give its URL or file`,
      { source: '', reason: 'no URL' },
    );
  const timeout = AbortSignal.timeout(timeoutMs);
  let text: string;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!response.ok) throw directoryError(url, `HTTP ${response.status}`);
    text = await readBounded(response, url);
  } catch (error) {
    if (error instanceof NosanaError) throw error;
    throw directoryError(
      url,
      timeout.aborted ? `no answer within ${timeoutMs} ms` : (error as Error).message,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw directoryError(url, 'the answer is not JSON');
  }
  return parseMarketDirectory({ body, network, source: url, fetchedAt: now().toISOString() });
}

/** The answer's text, refused past {@link MAX_DIRECTORY_BYTES} (declared, or as it streams in). */
async function readBounded(response: Response, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DIRECTORY_BYTES)
    throw directoryError(url, `${declared} bytes, over ${MAX_DIRECTORY_BYTES}`);
  if (!response.body) return '';
  try {
    return Buffer.from(
      await readCapped(response.body as unknown as AsyncIterable<Uint8Array>, url, MAX_DIRECTORY_BYTES),
    ).toString('utf8');
  } catch (error) {
    if (isNosanaError(error, 'CHAIN__IPFS_TOO_LARGE'))
      throw directoryError(url, `over ${MAX_DIRECTORY_BYTES} bytes`);
    throw error;
  }
}

const directoryError = (source: string, reason: string) =>
  new NosanaError(
    'CHAIN__MARKET_DIRECTORY_UNREADABLE',
    `cannot read the market directory from ${source}: ${reason} — check the URL or file, or give markets by address`,
    { source, reason },
  );

/**
 * The slug → address map of a directory, as {@link createNosanaClient}'s `marketNames` takes it.
 *
 * @example
 * ```ts
 * createNosanaClient({ network: 'mainnet', marketNames: directoryNames(directory) });
 * ```
 */
export function directoryNames(directory: Pick<MarketDirectory, 'markets'>): Map<string, string> {
  return new Map(directory.markets.map((m) => [m.slug, m.address]));
}

/**
 * IPFS throughput of the localnet: `add` (with pin) and `cat` of 1 MiB and 50 MiB files
 *
 * - through the content store directly (`openContentStore`),
 * - through the Kubo RPC server with an unmodified kubo-rpc-client in the same process (as tests that embed
 *   `startLocalnet()` use it: client and server share one event loop),
 * - through the Kubo RPC server in a child process (as `nosana localnet start --detach` serves other processes, with
 *   its malloc settings unless `--malloc glibc`), with kubo-rpc-client, with plain HTTP requests (`kuboAdd`, as
 *   `@nosana/chain`'s Kubo store uploads, and `cat` read with node:http), and with curl (a client that costs this process nothing; each request also pays for
 *   starting curl, which shows at 1 MiB): the differences are the clients' own costs,
 *
 * plus `computeCid` (only-hash, no I/O) as the ceiling of the hashing, and the floor of the transport: the plain-HTTP
 * requests to a node:http server in the same child process that discards the upload and answers reads with zeros
 * from memory (what the API could reach on this machine if storing cost nothing). Then one 1 GB file (10^9 bytes) is streamed through the child server
 * (generated while it is sent, never held whole) and read back, while the child samples its RSS every 20 ms: the
 * growth of its peak RSS over its RSS before the add shows whether the server streams or buffers. Every add uses fresh bytes (Kubo's deterministic ChaCha20
 * data with a new seed) so every block is new to the store; the bytes are generated and their CID computed
 * before the clock starts, and every CID an add returns is checked against it. Every timed cat checks the
 * length it received, and the first file of each row is read back again untimed and compared by sha256. Every
 * timed run starts after a `sync`, so that no row pays for the writeback of the rows before it.
 *
 * Run from packages/localnet (`--expose-gc` lets it collect garbage before each timed run):
 *   node --expose-gc --conditions=@nosana/source --import tsx bench/ipfs.ts [--runs-1m 30] [--runs-50m 5] [--gb 1]
 *     [--malloc localnet|glibc]
 *
 * MB/s means 10^6 bytes of file content per second.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { computeCid, kuboAdd } from '@nosana/chain';
import { deterministicBytes } from '@nosana/chain/testing';
import { create } from 'kubo-rpc-client';
import { startIpfsServer } from '../src/ipfs/server.js';
import { type ContentStore, openContentStore } from '../src/ipfs/store.js';
import { LOCALNET_MALLOC_ENV, localnetServerEnv } from '../src/server-env.js';

const { values } = parseArgs({
  options: {
    'runs-1m': { type: 'string', default: '30' },
    'runs-50m': { type: 'string', default: '5' },
    /** Size of the streamed add and cat through the child server whose RSS is watched, in GB (0 skips it). */
    gb: { type: 'string', default: '1' },
    /**
     * The child-process server's malloc settings: `localnet` (the default) starts it with the environment
     * `nosana localnet start --detach` gives its server (`localnetServerEnv`), `glibc` with glibc's defaults.
     */
    malloc: { type: 'string', default: 'localnet' },
    /** Internal: run as the child-process server over this directory. */
    serve: { type: 'string' },
  },
});

const execFileAsync = promisify(execFile);

if (values.serve) await serve(values.serve);
else await bench();

/** A way to add and read files. */
interface Target {
  name: string;
  /**
   * Takes the content in one buffer (as `@nosana/chain`'s Kubo store has it: `putBytes`), joined before the clock
   * starts; the others take the generator's chunks.
   */
  joined?: boolean;
  /** Takes the content as a file, written (and flushed) before the clock starts: curl uploads a file. */
  file?: string;
  add(content: { chunks: Uint8Array[]; joined: Buffer | undefined }): Promise<string>;
  /** Reads the file; returns its length. `onChunk`, when given, sees every byte (for the untimed comparison). */
  cat(cid: string, onChunk?: (chunk: Uint8Array) => void): Promise<number>;
}

interface Row {
  size: string;
  path: string;
  op: string;
  mbps: number[];
  ms: number[];
  /** CPU time of the child-process server during each run (all its threads), for the rows that use it. */
  serverCpuMs: number[];
  /** Minor page faults of the child-process server during each run (fresh memory touched for the first time). */
  serverFaults: number[];
}

async function bench() {
  const MiB = 1024 * 1024;
  const sizes = [
    { label: '1 MiB', bytes: 1 * MiB, runs: Number(values['runs-1m']), warmup: 3 },
    { label: '50 MiB', bytes: 50 * MiB, runs: Number(values['runs-50m']), warmup: 1 },
  ];
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const rows: Row[] = [];
  const loadBefore = loadavg()[0]!;

  const dir = mkdtempSync(join(tmpdir(), 'nosana-ipfs-bench-'));
  const store = await openContentStore({ dir: join(dir, 'store') });
  const server = await startIpfsServer({ store, port: 0 });
  const child = await startChildServer(join(dir, 'child'));
  let big: BigFile | undefined;
  try {
    const targets: Target[] = [
      storeTarget('store directly', store),
      kuboTarget('server, same process', server.apiUrl),
      kuboTarget('server, child process', child.apiUrl),
      httpTarget('server, child process, plain HTTP', child.apiUrl),
      curlTarget('server, child process, curl', child.apiUrl, join(dir, 'upload.bin')),
    ];

    // `--runs-1m 0 --runs-50m 0` leaves only the 1 GB stream.
    for (const { label, bytes, runs, warmup } of sizes.filter((size) => size.runs > 0)) {
      /** Times `operation` `runs` times after `warmup` untimed runs; `prepare` runs before the clock starts. */
      const measure = async <T>(
        path: string,
        op: string,
        prepare: (run: number) => Promise<T> | T,
        operation: (input: T, run: number) => Promise<void>,
        warmupRuns = warmup,
      ) => {
        const row: Row = { size: label, path, op, mbps: [], ms: [], serverCpuMs: [], serverFaults: [] };
        const usesChild = path.includes('child process');
        for (let run = -warmupRuns; run < runs; run++) {
          const input = await prepare(run);
          // The page cache's writeback of earlier adds would slow whichever row comes later: flushed first.
          execFileSync('sync');
          gc();
          const before = usesChild ? await child.usage() : undefined;
          const start = process.hrtime.bigint();
          await operation(input, run);
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          if (run < 0) continue;
          if (before) {
            const after = await child.usage();
            row.serverCpuMs.push(after.cpu - before.cpu);
            row.serverFaults.push(after.faults - before.faults);
          }
          row.ms.push(ms);
          row.mbps.push(bytes / 1e6 / (ms / 1e3));
        }
        rows.push(row);
      };
      const content = (seed: string) => [...deterministicBytes(bytes, seed)];

      await measure(
        'computeCid (only-hash, no I/O)',
        'hash',
        (run) => content(`hash-${bytes}-${run}`),
        async (chunks) => {
          await computeCid(chunks);
        },
      );

      // What the plain client's input costs to make: one fresh buffer, its pages touched for the first time.
      await measure(
        'join the chunks into one new buffer (before the plain client’s clock)',
        'join',
        (run) => content(`join-${bytes}-${run}`),
        async (chunks) => {
          if (Buffer.concat(chunks).length !== bytes) throw new Error('join lost bytes');
        },
      );
      // The transport alone: the plain-HTTP target's requests to a server that does nothing with them.
      const floor = 'floor: child process, plain HTTP, nothing stored';
      await measure(
        floor,
        'upload',
        (run) => Buffer.concat(content(`floor-${bytes}-${run}`)),
        async (joined) => {
          const answer = await kuboAdd({ url: child.floorUrl, bytes: joined, query: {}, timeoutMs: 600_000 });
          if (answer.Hash !== 'floor') throw new Error(`${floor}: answered ${answer.Hash}`);
        },
      );
      await measure(
        floor,
        'read',
        () => undefined,
        async () => {
          const length = await readAll(`${child.floorUrl}/api/v0/cat?bytes=${bytes}`);
          if (length !== bytes) throw new Error(`${floor}: read ${length} B, expected ${bytes}`);
        },
      );

      for (const target of targets) {
        const seed = (run: number) => `${target.name}-${bytes}-${run}`;
        const added: string[] = [];
        await measure(
          target.name,
          'add + pin',
          async (run) => {
            const chunks = content(seed(run));
            const joined = target.joined || target.file ? Buffer.concat(chunks) : undefined;
            if (target.file) writeFileSync(target.file, joined!);
            return { chunks, joined, expected: await computeCid(chunks) };
          },
          async ({ chunks, joined, expected }, run) => {
            const cid = await target.add({ chunks, joined });
            if (cid !== expected) throw new Error(`${target.name}: add gave ${cid}, computeCid ${expected}`);
            if (run >= 0) added.push(cid);
          },
        );
        await measure(
          target.name,
          'cat',
          () => undefined,
          async (_, run) => {
            const length = await target.cat(added[run]!);
            if (length !== bytes) throw new Error(`${target.name}: cat gave ${length} B, expected ${bytes}`);
          },
          0,
        );
        // Untimed: the bytes read back are the bytes added.
        const hash = createHash('sha256');
        await target.cat(added[0]!, (chunk) => hash.update(chunk));
        const want = createHash('sha256');
        for (const chunk of content(seed(0))) want.update(chunk);
        if (hash.digest('hex') !== want.digest('hex'))
          throw new Error(`${target.name}: cat changed the bytes`);
      }
    }
    const gb = Number(values.gb);
    if (gb > 0) big = await bigFile(child, gb * 1e9, gc);
  } finally {
    await child.close();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }

  printReport(rows, big, loadBefore);
}

/** The table, and the 1 GB stream's figures when it ran. */
function printReport(rows: Row[], big: BigFile | undefined, loadBefore: number): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const cpu = cpus();
  out(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim()}, store in ${tmpdir()}`);
  out(`load average (1 min) ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
  out(
    values.malloc === 'glibc'
      ? "child-process server with glibc's default malloc settings (--malloc glibc)"
      : `child-process server with the localnet's malloc settings: ${Object.entries(LOCALNET_MALLOC_ENV)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}`,
  );
  out(
    'MB/s = 10^6 content bytes per second; median [min–max] over the runs; server CPU = user + system time of the child-process server during a run, all its threads; faults = its minor page faults',
  );
  out();
  printTable(out, rows);
  if (big) {
    out();
    out(
      `${big.label} streamed through the server in a child process (generated while sent, never whole in memory):`,
    );
    out(
      `- add + pin: ${big.addMbps.toFixed(0)} MB/s; the server's RSS ${mib(big.rssBefore)} before, peak ${mib(big.addPeak)} (growth ${mib(big.addPeak - big.rssBefore)})`,
    );
    out(
      `- cat: ${big.catMbps.toFixed(0)} MB/s; the server's peak RSS ${mib(big.catPeak)} (growth ${mib(big.catPeak - big.rssBefore)})`,
    );
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

interface BigFile {
  label: string;
  addMbps: number;
  catMbps: number;
  rssBefore: number;
  addPeak: number;
  catPeak: number;
}

/** Streams `bytes` of generated content through the child server and back, watching the server's RSS. */
async function bigFile(child: ChildServer, bytes: number, gc: () => void): Promise<BigFile> {
  const seed = `big-${bytes}`;
  const expected = await computeCid(deterministicBytes(bytes, seed));
  const want = createHash('sha256');
  for (const chunk of deterministicBytes(bytes, seed)) want.update(chunk);
  const digest = want.digest('hex');
  const kubo = create({ url: child.apiUrl, timeout: 600_000 });
  gc();
  const rssBefore = await child.rss('reset');
  let start = process.hrtime.bigint();
  const added = await kubo.add(
    (async function* () {
      yield* deterministicBytes(bytes, seed);
    })(),
    { cidVersion: 0, pin: true },
  );
  const addMs = Number(process.hrtime.bigint() - start) / 1e6;
  const addPeak = await child.rss('peak');
  if (added.cid.toString() !== expected) throw new Error(`big add gave ${added.cid}, computeCid ${expected}`);
  await child.rss('reset');
  const hash = createHash('sha256');
  let length = 0;
  start = process.hrtime.bigint();
  for await (const chunk of kubo.cat(expected)) {
    hash.update(chunk);
    length += chunk.length;
  }
  const catMs = Number(process.hrtime.bigint() - start) / 1e6;
  const catPeak = await child.rss('peak');
  if (length !== bytes || hash.digest('hex') !== digest) throw new Error('big cat changed the bytes');
  return {
    label: `${(bytes / 1e9).toFixed(0)} GB`,
    addMbps: bytes / 1e6 / (addMs / 1e3),
    catMbps: bytes / 1e6 / (catMs / 1e3),
    rssBefore,
    addPeak,
    catPeak,
  };
}

function storeTarget(name: string, store: ContentStore): Target {
  return {
    name,
    async add({ chunks }) {
      let cid = '';
      for await (const entry of store.add([{ content: chunks }])) cid = entry.cid.toString();
      return cid;
    },
    async cat(cid, onChunk) {
      const entry = await store.resolve(cid);
      if (entry.type !== 'file') throw new Error(`${cid} is a ${entry.type}, not a file`);
      return counted(entry.content(), onChunk);
    },
  };
}

function kuboTarget(name: string, url: string): Target {
  const kubo = create({ url });
  return {
    name,
    async add({ chunks }) {
      return (await kubo.add(chunks, { cidVersion: 0, pin: true })).cid.toString();
    },
    cat: (cid, onChunk) => counted(kubo.cat(cid), onChunk),
  };
}

/**
 * The API with a client that costs little: `kuboAdd` (how `@nosana/chain`'s Kubo store uploads: one multipart request
 * written to the socket, from one buffer joined before the clock starts) and a `POST /api/v0/cat` read with node:http
 * (`fetch` and kubo-rpc-client read it at 100–160 MB/s where curl read 280–410 MB/s from the same server).
 */
function httpTarget(name: string, url: string): Target {
  return {
    name,
    joined: true,
    async add({ joined }) {
      const query = { 'cid-version': '0', pin: 'true' };
      return (await kuboAdd({ url, bytes: joined!, query, timeoutMs: 600_000 })).Hash;
    },
    cat: (cid, onChunk) => readAll(`${url}/api/v0/cat?arg=${cid}`, onChunk),
  };
}

/**
 * The API with a client written in C that costs the bench's process nothing: curl uploads the file (`-F
 * file=@…`, without waiting for `100 Continue`) and reads to /dev/null — or, for the untimed comparison, into a pipe.
 */
function curlTarget(name: string, url: string, file: string): Target {
  const curl = (args: string[]) => execFileAsync('curl', ['-sS', '--fail', ...args], { maxBuffer: 1 << 20 });
  return {
    name,
    file,
    async add() {
      const query = 'cid-version=0&pin=true';
      const { stdout } = await curl(['-H', 'Expect:', '-F', `file=@${file}`, `${url}/api/v0/add?${query}`]);
      return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { Hash: string }).Hash;
    },
    async cat(cid, onChunk) {
      const target = `${url}/api/v0/cat?arg=${cid}`;
      if (!onChunk)
        return Number(
          (await curl(['-X', 'POST', '-o', '/dev/null', '-w', '%{size_download}', target])).stdout,
        );
      const reader = spawn('curl', ['-sS', '--fail', '-X', 'POST', target], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<number | null>((resolve) => reader.once('close', resolve));
      const length = await counted(reader.stdout!, onChunk);
      if ((await exited) !== 0) throw new Error(`curl ${target} failed`);
      return length;
    },
  };
}

/** The length of a stream of chunks, each passed to `onChunk` when given. */
async function counted(
  chunks: AsyncIterable<Uint8Array>,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<number> {
  let length = 0;
  for await (const chunk of chunks) {
    length += chunk.length;
    onChunk?.(chunk);
  }
  return length;
}

/** A `POST` read with node:http; returns the answer's length, each chunk passed to `onChunk` when given. */
async function readAll(url: string, onChunk?: (chunk: Uint8Array) => void): Promise<number> {
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    request(url, { method: 'POST' }, resolve).on('error', reject).end(),
  );
  if (response.statusCode !== 200) throw new Error(`POST ${url}: ${response.statusCode}`);
  return counted(response as AsyncIterable<Uint8Array>, onChunk);
}

/** The server in a child process; `rss` asks it for its RSS now (`reset`) or its peak since the last reset. */
interface ChildServer {
  apiUrl: string;
  /** The transport's ceiling in the same process: a node:http server that discards uploads and sends zeros. */
  floorUrl: string;
  rss(what: 'reset' | 'peak'): Promise<number>;
  /** The server process's CPU time so far (user + system, all threads) in ms, and its minor page faults so far. */
  usage(): Promise<{ cpu: number; faults: number }>;
  close(): Promise<void>;
}

/** The child server's environment, as `--malloc` asks. */
function serverEnv(): NodeJS.ProcessEnv {
  if (values.malloc === 'glibc') return { ...process.env };
  if (values.malloc !== 'localnet')
    throw new Error(`--malloc: "${values.malloc}" is neither localnet nor glibc`);
  return localnetServerEnv(process.env);
}

/** Starts this script as a server in a child process; it exits when closed or when its stdin ends. */
async function startChildServer(dir: string): Promise<ChildServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--serve', dir],
    { stdio: ['pipe', 'pipe', 'inherit'], env: serverEnv() },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the child server exited (${code})`));
      child.once('exit', onExit);
      lines.once('line', (line) => {
        child.off('exit', onExit);
        resolve(JSON.parse(line) as Record<string, unknown>);
      });
    });
  const { apiUrl, floorUrl } = (await next()) as { apiUrl: string; floorUrl: string };
  return {
    apiUrl,
    floorUrl,
    async rss(what) {
      const answer = next();
      child.stdin!.write(`${what}\n`);
      return (await answer).rss as number;
    },
    async usage() {
      const answer = next();
      child.stdin!.write('usage\n');
      return (await answer) as { cpu: number; faults: number };
    },
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

async function serve(dir: string) {
  const store = await openContentStore({ dir });
  const server = await startIpfsServer({ store, port: 0 });
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  setInterval(sample, 20).unref();
  const floor = await startFloorServer();
  process.stdout.write(`${JSON.stringify({ apiUrl: server.apiUrl, floorUrl: floor.url })}\n`);
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    if (line === 'usage') {
      const { userCPUTime, systemCPUTime, minorPageFault } = process.resourceUsage();
      const usage = { cpu: (userCPUTime + systemCPUTime) / 1000, faults: minorPageFault };
      return process.stdout.write(`${JSON.stringify(usage)}\n`);
    }
    sample();
    if (line === 'reset') {
      (globalThis as { gc?: () => void }).gc?.();
      peak = process.memoryUsage.rss();
    }
    process.stdout.write(`${JSON.stringify({ rss: peak })}\n`);
  });
  input.once('close', async () => {
    floor.server.close();
    await server.close();
    await store.close();
  });
}

/**
 * The floor of the API path on this machine: the same requests to a node:http server that does nothing with them —
 * an upload is read and discarded, a read answers `?bytes=N` zeros from memory.
 */
async function startFloorServer(): Promise<{ server: Server; url: string }> {
  const zeros = new Map<number, Buffer>();
  const server = createServer((request, response) => {
    const bytes = Number(new URL(request.url ?? '/', 'http://floor').searchParams.get('bytes') ?? 0);
    request.resume();
    request.on('end', () => {
      if (bytes > 0) {
        if (!zeros.has(bytes)) zeros.set(bytes, Buffer.alloc(bytes));
        return response.end(zeros.get(bytes));
      }
      response.end(`${JSON.stringify({ Name: 'floor', Hash: 'floor', Size: '0' })}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function printTable(out: (line?: string) => void, rows: Row[]) {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const header = [
    'size',
    'path',
    'op',
    'runs',
    'MB/s median [min–max]',
    'ms median',
    'server CPU ms median',
    'server faults median',
  ];
  const table = rows.map((r) => [
    r.size,
    r.path,
    r.op,
    String(r.ms.length),
    `${median(r.mbps).toFixed(0)} [${Math.min(...r.mbps).toFixed(0)}–${Math.max(...r.mbps).toFixed(0)}]`,
    median(r.ms).toFixed(1),
    r.serverCpuMs.length ? median(r.serverCpuMs).toFixed(0) : '',
    r.serverFaults.length ? median(r.serverFaults).toFixed(0) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  out(line(header));
  out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table) out(line(r));
}

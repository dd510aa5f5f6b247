/**
 * The node's local HTTP API (127.0.0.1 by default): liveness, status, and — for a job's owner, with a signed
 * `authorization` header (`createAuthHeader(wallet, 'nosana-job:<job>')`, valid 5 minutes) — the job's live state
 * (with the URLs of its private services), its logs as a WebSocket stream, and a confidential job's definition
 * (delivered) and result (collected). Requests naming another host than the
 * API's own (DNS rebinding) are refused.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jobAuthMessage, verifyAuthHeader } from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import { WebSocketServer } from 'ws';
import type { SignedBenchmark } from './benchmark/report.js';
import type { ChainPort } from './chain-port.js';
import type { NosanaNode } from './daemon.js';
import './errors.js';
import type { HostSpecs } from './specs/host-specs.js';

/** Parameters of {@link startNodeApi}. */
export interface StartNodeApiParameters {
  node: NosanaNode;
  chain: Pick<ChainPort, 'getJob'>;
  /** Default 5001 is taken by the localnet's IPFS; default here 5101. 0 picks a free port. */
  port?: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /**
   * Host names (the `Host` header, without port) the API answers besides its listen host, `localhost`,
   * `127.0.0.1` and `[::1]`: the names an operator serves it under (e.g. behind a reverse proxy).
   */
  allowedHosts?: string[];
  version?: string;
  /** The host's specs and last signed benchmark, published in `/node/info` (null when unknown). */
  hardware?: { specs: HostSpecs | null; benchmark: SignedBenchmark | null };
  /** Largest request body (a confidential job's definition). Default 1 MiB. */
  maxBodyBytes?: number;
}

/** A running node API. */
export interface NodeApi {
  url: string;
  /** The port it listens on. */
  port: number;
  /** Answers to one more Host name from now on (e.g. its gateway name once published through a tunnel). */
  allowHost(name: string): void;
  close(): Promise<void>;
}

/**
 * Serves the node API.
 *
 * @example
 * ```ts
 * const api = await startNodeApi({ node, chain, port: 0 });
 * await fetch(`${api.url}/node/info`);
 * ```
 */
export async function startNodeApi({
  node,
  chain,
  port = 5101,
  host = '127.0.0.1',
  allowedHosts = [],
  version = '0.0.0',
  hardware = { specs: null, benchmark: null },
  maxBodyBytes = 1024 * 1024,
}: StartNodeApiParameters): Promise<NodeApi> {
  const allowed = allowedHostNames(host, allowedHosts);
  /** The `Host` header's name when the API serves it; undefined otherwise. */
  const hostAllowed = (request: IncomingMessage) => {
    const name = hostName(request.headers.host);
    return name !== undefined && allowed.has(name);
  };
  const misdirected = (request: IncomingMessage) => misdirectedBody(request, allowed);
  const authorize = (request: IncomingMessage, job: string) => authorizeOwner(chain, request, job);
  const liveJob = (job: string) => node.jobs().find((j) => j.job === job);

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (!hostAllowed(request)) return json(response, 421, misdirected(request));
      const route = /^\/job\/([1-9A-HJ-NP-Za-km-z]{32,44})(\/job-definition|\/results)?$/.exec(url.pathname);
      if (request.method === 'POST' && route?.[2] === '/job-definition') {
        const auth = await authorize(request, route[1]!);
        if (!auth.ok) return json(response, auth.status, { error: auth.message });
        return deliverDefinition(node, route[1]!, request, response, maxBodyBytes);
      }
      if (request.method !== 'GET') return json(response, 405, { error: 'method not allowed' });
      if (url.pathname === '/') return json(response, 200, { address: node.address });
      if (url.pathname === '/node/info') {
        return json(response, 200, nodeInfo(node, version, hardware));
      }
      if (!route || route[2] === '/job-definition') return json(response, 404, { error: 'not found' });
      const auth = await authorize(request, route[1]!);
      if (!auth.ok) return json(response, auth.status, { error: auth.message });
      if (route[2] === '/results') return collectResult(node, route[1]!, response);
      const view = liveJob(route[1]!);
      if (!view) return json(response, 404, { error: 'this node is not running that job now' });
      return json(response, 200, {
        job: view.job,
        run: view.run,
        status: node.logistics.status(view.job) ?? 'running',
        startedAt: view.startedAt,
        ops: view.ops,
        pulls: view.pulls,
        endpoints: view.endpoints,
        logs: view.logs,
      });
    } catch (error) {
      json(response, 500, { error: (error as Error).message });
    }
  });

  // WebSocket /job/<job>/logs: the buffered lines, then new ones as they come.
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', async (request, socket, head) => {
    const match = /^\/job\/([1-9A-HJ-NP-Za-km-z]{32,44})\/logs$/.exec(
      new URL(request.url ?? '/', 'http://localhost').pathname,
    );
    const refuse = (status: number, message: string, type = 'text/plain') => {
      const reason = { 401: 'Unauthorized', 404: 'Not Found', 421: 'Misdirected Request' }[status] ?? 'Error';
      socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${type}\r\n\r\n${message}`);
    };
    if (!hostAllowed(request)) return refuse(421, JSON.stringify(misdirected(request)), 'application/json');
    if (!match) return refuse(404, 'not found');
    // A job whose result will be public streams its logs to anyone; other jobs to their owner only.
    const open = liveJob(match[1]!);
    if (!open?.publicLogs || request.headers.authorization) {
      const auth = await authorize(request, match[1]!);
      if (!auth.ok) return refuse(auth.status, auth.message);
    }
    const view = liveJob(match[1]!);
    if (!view) return refuse(404, 'this node is not running that job now');
    sockets.handleUpgrade(request, socket, head, (ws) => {
      for (const entry of view.logs) ws.send(JSON.stringify(entry));
      const listener = (entry: unknown) => ws.send(JSON.stringify(entry));
      view.listeners.add(listener);
      const ping = setInterval(() => ws.ping(), 30_000);
      ws.on('close', () => {
        clearInterval(ping);
        view.listeners.delete(listener);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const listening = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${listening}`,
    port: listening,
    allowHost: (name) => void allowed.add(name.toLowerCase()),
    async close() {
      for (const client of sockets.clients) client.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * `POST /job/<job>/job-definition` (the owner, signed): a confidential job's definition, handed to the job waiting
 * for it. 200 once taken; 409 when the job does not wait for one; 422 when it does not validate; 413 when too large.
 */
async function deliverDefinition(
  node: NosanaNode,
  job: string,
  request: IncomingMessage,
  response: ServerResponse,
  maxBytes: number,
): Promise<void> {
  const body = await readBody(request, maxBytes);
  if (body === null)
    return json(response, 413, {
      error: `the definition is larger than ${maxBytes} bytes`,
      code: 'NODE__DEFINITION_INVALID',
    });
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return json(response, 422, {
      error: 'the body is not JSON: send the job definition as JSON',
      code: 'NODE__DEFINITION_INVALID',
    });
  }
  const outcome = node.logistics.deliver(job, document);
  if (outcome.ok) return json(response, 200, { job, received: true });
  const status = outcome.error.code === 'NODE__DEFINITION_NOT_AWAITED' ? 409 : 422;
  json(response, status, {
    error: outcome.error.message,
    code: outcome.error.code,
    ...outcome.error.context,
  });
}

/**
 * `GET /job/<job>/results` (the owner, signed): a confidential job's real result, which the node keeps for its owner
 * (the pinned one is blank). 409 while the job still runs; 404 when the node keeps none for it.
 */
function collectResult(node: NosanaNode, job: string, response: ServerResponse): void {
  const kept = node.logistics.kept(job);
  if (kept) {
    node.logistics.collected(job);
    json(response, 200, kept);
    return;
  }
  const status =
    node.logistics.status(job) ?? (node.jobs().some((j) => j.job === job) ? 'running' : undefined);
  if (status) {
    json(response, 409, {
      error: `job ${job} has not finished on this node yet (${status}): ask again once it has`,
      code: 'NODE__RESULT_NOT_READY',
      job,
      status,
    });
    return;
  }
  json(response, 404, {
    error: `this node keeps no result for job ${job}: it is not a confidential job it ran, or the result expired — read the pinned result (nosana job get ${job})`,
    code: 'NODE__RESULT_NOT_KEPT',
    job,
  });
}

/** The request's body as text; null when it is larger than `maxBytes` (the rest is not read). */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `GET /node/info`: who the node is and what it runs; private services without their URL. */
function nodeInfo(
  node: StartNodeApiParameters['node'],
  version: string,
  hardware: NonNullable<StartNodeApiParameters['hardware']>,
) {
  return {
    address: node.address,
    state: node.state(),
    market: node.market() ?? null,
    version,
    uptimeSeconds: Math.floor((Date.now() - node.startedAt) / 1000),
    specs: hardware.specs,
    benchmark: hardware.benchmark,
    images: node.images(),
    jobs: node.jobs().map((j) => ({
      job: j.job,
      run: j.run,
      // `waiting-for-job-definition` / `waiting-for-result` for a confidential job (no content: public).
      status: node.logistics.status(j.job) ?? 'running',
      publicLogs: j.publicLogs === true,
      startedAt: j.startedAt,
      ops: j.ops,
      // Image pulls carry image names and byte counts only (never credentials): public like the op states.
      pulls: j.pulls,
      // Private services are listed without their URL: only the job's owner gets it (GET /job/<job>).
      endpoints: j.endpoints.map(({ url: serviceUrl, publicUrl, ...endpoint }) =>
        endpoint.private ? endpoint : { ...endpoint, url: serviceUrl, ...(publicUrl ? { publicUrl } : {}) },
      ),
    })),
  };
}

/** The 421 answer's body: the Host header names a host this API does not serve. */
function misdirectedBody(request: IncomingMessage, allowed: Set<string>) {
  return {
    error: `this node API does not answer for host "${request.headers.host ?? ''}" — use ${[...allowed].join(', ')}, or add the name to the node API's allowed hosts (allowedHosts)`,
    code: 'NODE__API_HOST_NOT_ALLOWED',
    host: request.headers.host ?? '',
    allowed: [...allowed],
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** Resolves when the request is signed by the job's owner; answers 401/404 otherwise. */
async function authorizeOwner(
  chain: StartNodeApiParameters['chain'],
  request: IncomingMessage,
  job: string,
): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
  const onChain = await chain.getJob(job).catch(() => null);
  if (!onChain) return { ok: false, status: 404, message: `no job ${job}` };
  try {
    verifyAuthHeader({
      header: request.headers.authorization,
      publicKey: onChain.project,
      message: jobAuthMessage(job),
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, status: 401, message: isNosanaError(error) ? error.message : 'unauthorized' };
  }
}

/** The host names an API listening on `host` answers: its own, the loopback names, and the operator's list. */
function allowedHostNames(host: string, extra: string[]): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  const own = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  // A wildcard listen address is not a name clients use: only the explicit list adds names then.
  if (own !== '0.0.0.0' && own !== '[::]') names.add(own.toLowerCase());
  for (const name of extra) names.add(name.toLowerCase());
  return names;
}

/** `Host: name:port` → `name` (lower case; IPv6 literals keep their brackets). */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(0, end + 1) : undefined;
  }
  return value.replace(/:\d+$/, '');
}

/**
 * `GET /api/jobs/{address}/logs`: a running job's live log lines, relayed from its node's API as server-sent
 * events, so the explorer shows them without a wallet. The node streams them to anyone only for a job whose result
 * will be public (neither sealed nor confidential); otherwise it refuses, and so does this route (`refused` event).
 * Capped in concurrent streams, in the size of a line, and in what a slow reader may hold.
 */
import type { ServerResponse } from 'node:http';
import WebSocket from 'ws';
import { openEventStream } from './http.js';
import type { NodeApiLocator } from './node-info.js';
import { ApiError } from './params.js';

/** Parameters of {@link createLiveLogs}. */
export interface CreateLiveLogsParameters {
  /** Where nodes' APIs are (none: the route answers 503). */
  locate: NodeApiLocator | undefined;
  /** Most concurrent relays (default 50). */
  maxStreams?: number;
}

/** Relays one job's live logs to one reader. */
export type LiveLogsHandler = (
  res: ServerResponse,
  job: { address: string; node: string | null; status: string },
) => void;

/**
 * The live-logs route's handler.
 *
 * @example
 * ```ts
 * const liveLogs = createLiveLogs({ locate: 'https://{node}.node.example.com' });
 * liveLogs(res, job); // events: log (a line), end (the node closed the stream), refused (not public)
 * ```
 */
export function createLiveLogs({ locate, maxStreams = 50 }: CreateLiveLogsParameters): LiveLogsHandler {
  let streams = 0;
  const apiOf = (node: string) => {
    const base = typeof locate === 'string' ? locate.replaceAll('{node}', node) : locate?.(node);
    return base ? base.replace(/\/+$/, '') : null;
  };
  return (res, job) => {
    if (!locate)
      throw new ApiError(
        503,
        'NO_NODE_API',
        "this indexer does not know where nodes' APIs are; start it with --node-api <url template>",
      );
    if (job.status !== 'RUNNING' || !job.node)
      throw new ApiError(
        409,
        'NOT_RUNNING',
        `job ${job.address} is ${job.status}: live logs exist while it runs; its logs are in its result`,
      );
    const api = apiOf(job.node);
    if (!api)
      throw new ApiError(503, 'NO_NODE_API', `the API of node ${job.node} is unknown to this indexer`);
    if (streams >= maxStreams)
      throw new ApiError(
        503,
        'TOO_MANY_STREAMS',
        `at most ${maxStreams} live log streams are open; retry later`,
      );
    streams += 1;
    openEventStream(res);
    const event = (name: string, data: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      // A slow reader is dropped rather than buffered without bound.
      if (res.writableLength > 1 << 20) res.destroy();
      else res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const socket = new WebSocket(`${api.replace(/^http/, 'ws')}/job/${job.address}/logs`, {
      handshakeTimeout: 5000,
      maxPayload: 256 * 1024,
    });
    socket.on('message', (data) => {
      try {
        const line = JSON.parse(String(data)) as {
          opId?: unknown;
          type?: unknown;
          log?: unknown;
          timestamp?: unknown;
        };
        event('log', { opId: line.opId, type: line.type, log: line.log, timestamp: line.timestamp });
      } catch {
        // Not a log line: ignored.
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      event('refused', {
        status: response.statusCode ?? 0,
        message:
          response.statusCode === 401
            ? "the node streams this job's logs to its owner only (its result is sealed or confidential)"
            : `the node answered ${response.statusCode}`,
      });
      response.resume();
      res.end();
    });
    socket.on('error', (error) => {
      event('refused', { status: 0, message: `the node API did not answer: ${error.message}` });
      res.end();
    });
    socket.on('close', () => {
      event('end', {});
      res.end();
    });
    res.on('close', () => {
      streams -= 1;
      socket.terminate();
    });
  };
}

/** The change stream as server-sent events: resumable (`Last-Event-ID`), capped, and slow readers dropped. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openEventStream } from './http.js';
import { ApiError, integer } from './params.js';
import { changesSince } from './queries.js';
import type { Change, IndexerStore } from './store.js';

/** Parameters of {@link createChangeStream}. */
export interface CreateChangeStreamParameters {
  store: IndexerStore;
  subscribe: (listener: (change: Change) => void) => () => void;
  /** Most concurrent streams. */
  maxStreams: number;
}

/**
 * A handler of `GET /api/stream`: sends every committed change as an `change` event whose id is its `seq`.
 *
 * @example
 * ```ts
 * const stream = createChangeStream({ store, subscribe, maxStreams: 200 });
 * stream(req, res, readQuery(url.searchParams, ['since']));
 * ```
 */
export function createChangeStream({
  store,
  subscribe,
  maxStreams,
}: CreateChangeStreamParameters): (
  req: IncomingMessage,
  res: ServerResponse,
  query: Map<string, string>,
) => void {
  let streams = 0;
  return (req, res, query) => {
    if (streams >= maxStreams)
      throw new ApiError(503, 'TOO_MANY_STREAMS', `at most ${maxStreams} streams are open; retry later`);
    const header = req.headers['last-event-id'];
    const lastId =
      typeof header === 'string' && /^\d{1,15}$/.test(header)
        ? Number(header)
        : integer(query, 'since', 0, Number.MAX_SAFE_INTEGER, -1);
    streams += 1;
    openEventStream(res);
    res.write('retry: 2000\n\n');
    let sent = lastId;
    const write = (change: Change) => {
      if (change.seq <= sent) return;
      sent = change.seq;
      // A slow reader is dropped rather than buffered without bound; it resumes with Last-Event-ID.
      if (res.writableLength > 1 << 20) res.destroy();
      else res.write(`id: ${change.seq}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`);
    };
    const unsubscribe = subscribe(write);
    if (lastId >= 0) for (const change of changesSince(store, lastId, 1000)) write(change);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    res.on('close', () => {
      streams -= 1;
      clearInterval(ping);
      unsubscribe();
    });
  };
}

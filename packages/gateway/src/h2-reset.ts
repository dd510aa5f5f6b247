/**
 * Resetting HTTP/2 streams safely on Node 20. A stream's events ('data', 'end', 'close' of a paired stream…) can
 * fire while Node's http2 is still inside nghttp2's processing of received frames; resetting a stream of that
 * session from there can corrupt it (nodejs/node#64113, fixed in later Node lines). Seen here: a gateway test's
 * worker spinning in `Http2Session::SendPendingData` under `RstStream` until the machine ran out of memory, right
 * after the gateway destroyed a tunnel's session from the handler that noticed the host had gone. Every stream
 * reset and session teardown of the gateway and the tunnel's host end goes through here, one event-loop turn later.
 */
import type { Http2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';

/**
 * Resets `stream` (with `code`, or as `destroy()` does) on the next turn of the event loop.
 *
 * @example
 * ```ts
 * response.on('close', () => resetStream(upstream, constants.NGHTTP2_CANCEL));
 * ```
 */
export function resetStream(stream: Http2Stream | Duplex, code?: number): void {
  if (stream.destroyed) return;
  setImmediate(() => {
    if (stream.destroyed) return;
    if (code !== undefined && 'rstCode' in stream) stream.close(code);
    else stream.destroy();
  });
}

/**
 * Destroys an HTTP/2 session (which resets every stream it still has) on the next turn of the event loop, for the
 * same reason as {@link resetStream}: the event that noticed the end may fire inside nghttp2's processing.
 *
 * @example
 * ```ts
 * control.on('close', () => destroyLater(h2));
 * ```
 */
export function destroyLater(session: { readonly destroyed: boolean; destroy(): void }): void {
  if (session.destroyed) return;
  setImmediate(() => {
    if (!session.destroyed) session.destroy();
  });
}

/**
 * One HTTP request over `node:http`/`node:https` with a deadline and a cap on the answer: what the lite reads send
 * (JSON-RPC calls, IPFS reads) without the global `fetch`, whose HTTP parser is WebAssembly compiled on first use.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Why a request gave nothing usable. */
export type HttpFailureKind = 'unreachable' | 'timeout' | 'too-large';

/** Parameters of {@link sendHttp}. */
export interface SendHttpParameters {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string | number>;
  body?: Uint8Array;
  /** For the whole exchange. */
  timeoutMs: number;
  /** Largest answer body read. */
  maxBytes: number;
  /**
   * The coded error to throw for a failure: `detail` says what happened for a message, except when nothing answered
   * at all (refused, DNS: the cause tells).
   */
  fail: (kind: HttpFailureKind, cause: unknown, detail?: string) => Error;
}

/** An answer: its status, headers and whole body. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends one request and reads the whole answer (any status), failing through `fail` when the URL is not http(s),
 * nothing answers, the deadline passes or the body passes `maxBytes`.
 *
 * @example
 * ```ts
 * const { status, body } = await sendHttp({ url, method: 'POST', timeoutMs: 10_000, maxBytes: 2 ** 20, fail });
 * ```
 */
export async function sendHttp({
  url,
  method = 'GET',
  headers = {},
  body,
  timeoutMs,
  maxBytes,
  fail,
}: SendHttpParameters): Promise<HttpAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw fail('unreachable', error, 'not a URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw fail('unreachable', new Error(target.protocol), `${target.protocol} is not http: or https:`);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = send(
      target,
      {
        method,
        headers: body ? { ...headers, 'content-length': body.length } : headers,
        signal,
      },
      (res) => {
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          reject(
            fail(
              'too-large',
              new Error('too large'),
              `an answer of ${declared} bytes, over ${maxBytes} bytes`,
            ),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            res.destroy();
            reject(fail('too-large', new Error('too large'), `an answer over ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', (error) =>
          reject(
            signal.aborted
              ? fail('timeout', error, `no whole answer in ${timeoutMs} ms`)
              : fail('unreachable', error, `the answer broke off: ${error.message}`),
          ),
        );
      },
    );
    req.on('error', (error) =>
      reject(
        signal.aborted ? fail('timeout', error, `no answer in ${timeoutMs} ms`) : fail('unreachable', error),
      ),
    );
    req.end(body);
  });
}

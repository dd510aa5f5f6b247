/**
 * The gateway's `Content-Type`, chosen as Kubo's gateway does: from the file name's extension when the path has
 * one, otherwise by sniffing the first bytes (UTF-8 text such as JSON is `text/plain; charset=utf-8`, so a browser
 * shows it; anything else `application/octet-stream`). `/pinata/ipfs/<cid>` answers like Pinata's gateways instead
 * ({@link pinataContentType}).
 */

const BY_EXTENSION: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
  tar: 'application/x-tar',
  gz: 'application/gzip',
};

/** How many leading bytes are sniffed, as Go's `http.DetectContentType`. */
export const SNIFF_BYTES = 512;

/** True when `bytes` are UTF-8 text without control characters other than tab, newline, carriage return, form feed. */
function isText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // A multi-byte character cut at the sniff limit is still text.
    if (bytes.length < SNIFF_BYTES) return false;
    return isText(bytes.subarray(0, bytes.length - 3));
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being detected
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

/**
 * The content type of a gateway answer for `path` whose content starts with `head`.
 *
 * @example
 * ```ts
 * gatewayContentType('Qm…', new TextEncoder().encode('{"a":1}')); // 'text/plain; charset=utf-8'
 * ```
 */
export function gatewayContentType(path: string, head: Uint8Array): string {
  const name = path.split('/').filter(Boolean).at(-1) ?? '';
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const known = BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
    if (known) return known;
  }
  if (head.length === 0) return 'text/plain; charset=utf-8';
  const start = head.subarray(0, 8);
  if (start[0] === 0x89 && start[1] === 0x50 && start[2] === 0x4e && start[3] === 0x47) return 'image/png';
  if (start[0] === 0xff && start[1] === 0xd8 && start[2] === 0xff) return 'image/jpeg';
  if (start[0] === 0x1f && start[1] === 0x8b) return 'application/x-gzip';
  return isText(head) ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

/**
 * The content type of Pinata's gateways (the one the Nosana SDKs read results through), which differ from Kubo in one
 * way that matters to clients: text that starts as JSON (`{` or `[` after whitespace) is `application/json`, so
 * clients that parse by content type (`@nosana/kit`) get objects back.
 *
 * @example
 * ```ts
 * pinataContentType('Qm…', new TextEncoder().encode('{"a":1}')); // 'application/json'
 * ```
 */
export function pinataContentType(path: string, head: Uint8Array): string {
  const kubo = gatewayContentType(path, head);
  if (!kubo.startsWith('text/plain')) return kubo;
  const first = new TextDecoder().decode(head.subarray(0, 64)).trimStart()[0];
  return first === '{' || first === '[' ? 'application/json' : kubo;
}

/**
 * Reads the head of an HTTP/1.1 request (RFC 9112 §2–§6) for the OCSP fast path, strictly: only the
 * two forms RFC 5019 §5 clients send, `POST /ocsp` with a Content-Length body and `GET /ocsp/<base64>`,
 * with plain header fields. Anything else (another path or version, Transfer-Encoding, Expect,
 * Upgrade, a repeated Content-Length or Host, a field that is not `token: value`, control characters)
 * is not read here at all: the fast path hands the connection to Node's HTTP server, whose parser
 * answers it (or refuses it) as it answers every other request.
 */

export interface OcspRequestHead {
  method: 'GET' | 'POST';
  /** The request target, `/ocsp` or `/ocsp/…` (GET). */
  target: string;
  /** The body's length (0 for a GET). */
  contentLength: number;
  /** The Content-Type field's value, lowercased, parameters dropped; '' when absent. */
  contentType: string;
  /** The If-None-Match field's value, as sent; null when absent. */
  ifNoneMatch: string | null;
  /** `Connection: close` was sent. */
  close: boolean;
}

/** Longer heads are left to Node's parser (it allows 16 KiB and answers 431 beyond). */
export const MAX_FAST_HEAD = 4096;

const REQUEST_LINE = /^(GET|POST) (\/ocsp(?:\/[^\s]*)?) HTTP\/1\.1$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Field values: visible ASCII, Latin-1 text, space and tab; no other control characters.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const DIGITS = /^\d{1,9}$/;
/** Fields whose presence means this is not a plain request the fast path answers. */
const HANDED_ON = new Set(['transfer-encoding', 'expect', 'upgrade', 'te', 'trailer']);

/**
 * `head` is the request's octets up to (not including) the blank line. Null: not for the fast path.
 */
export function readOcspRequestHead(head: string): OcspRequestHead | null {
  const lines = head.split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0]!);
  if (!requestLine) return null;
  const method = requestLine[1] as 'GET' | 'POST';
  const target = requestLine[2]!;
  if (method === 'POST' ? target !== '/ocsp' : target.length <= '/ocsp/'.length) return null;
  let contentLength: number | null = null;
  let contentType = '';
  let ifNoneMatch: string | null = null;
  let close = false;
  let hosts = 0;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) return null;
    const lower = name.toLowerCase();
    if (HANDED_ON.has(lower)) return null;
    switch (lower) {
      case 'content-length':
        if (contentLength !== null || !DIGITS.test(value)) return null;
        contentLength = Number(value);
        break;
      case 'content-type':
        contentType = value.split(';')[0]!.trim().toLowerCase();
        break;
      case 'if-none-match':
        if (ifNoneMatch !== null) return null;
        ifNoneMatch = value;
        break;
      case 'connection': {
        const options = value.toLowerCase().split(',').map((o) => o.trim());
        if (options.includes('upgrade')) return null;
        close ||= options.includes('close');
        break;
      }
      case 'host':
        hosts += 1;
        break;
    }
  }
  // RFC 9112 §3.2: exactly one Host; a POST says how long its body is, a GET sends none.
  if (hosts !== 1) return null;
  if (method === 'POST' ? contentLength === null : (contentLength ?? 0) !== 0) return null;
  return { method, target, contentLength: contentLength ?? 0, contentType, ifNoneMatch, close };
}

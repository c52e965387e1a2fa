/**
 * Textual encoding of DER objects (RFC 7468): strict 64-column output (§2), lax parsing (§3) that
 * tolerates CRLF, indentation and explanatory text around the blocks, but not broken base64.
 */
import { PkiError } from './errors.js';

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function toPem(label: string, der: Buffer): string {
  const text = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 64) lines.push(text.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}

function decodeBody(body: string, label: string): Buffer {
  const compact = body.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !base64.test(compact)) {
    throw new PkiError('pem.invalid', `PEM ${label} block has broken base64`);
  }
  return Buffer.from(compact, 'base64');
}

function labelsOf(label: string | readonly string[]): readonly string[] {
  return typeof label === 'string' ? [label] : label;
}

/**
 * Every block carrying the label (or one of the labels), in order. Throws when there is none.
 * A plain scan rather than one regular expression, so hostile input cannot make it quadratic.
 */
export function fromPem(text: string, label: string | readonly string[]): Buffer[] {
  const wanted = labelsOf(label);
  const found: Buffer[] = [];
  for (let pos = 0; ;) {
    const begin = text.indexOf('-----BEGIN ', pos);
    const labelEnd = begin < 0 ? -1 : text.indexOf('-----', begin + 11);
    if (labelEnd < 0) break;
    const blockLabel = text.slice(begin + 11, labelEnd);
    pos = labelEnd + 5;
    if (!wanted.includes(blockLabel)) continue;
    const endLine = `-----END ${blockLabel}-----`;
    const end = text.indexOf(endLine, pos);
    if (end < 0) throw new PkiError('pem.invalid', `PEM ${blockLabel} block has no END line`);
    found.push(decodeBody(text.slice(pos, end), blockLabel));
    pos = end + endLine.length;
  }
  if (found.length === 0) throw new PkiError('pem.invalid', `not a PEM ${wanted[0] ?? ''}`);
  return found;
}

/**
 * One object given as DER bytes or as PEM text. A Buffer is DER unless it starts like text and
 * holds a `-----BEGIN` marker (DER starts with a SEQUENCE tag, 0x30, which is also '0' in ASCII,
 * so a leading 0x30 always means DER).
 */
export function derOrPem(input: string | Buffer, label: string | readonly string[]): Buffer {
  if (Buffer.isBuffer(input) && (input[0] === 0x30 || !input.includes('-----BEGIN'))) return input;
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const blocks = fromPem(text, label);
  if (blocks.length !== 1) {
    throw new PkiError('pem.invalid', `expected one PEM ${labelsOf(label)[0] ?? ''}, found ${blocks.length}`);
  }
  return blocks[0]!;
}

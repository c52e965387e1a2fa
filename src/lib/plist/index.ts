/**
 * Property lists (Apple's XML plist 1.0 DTD) over the `plist` package: writing with the types Apple's
 * profile schemas expect (whole numbers as `<integer>`, Buffers as `<data>`, Dates as `<date>`), and
 * reading untrusted input into plain values with a specific error instead of a crash.
 */
import { build, parse } from 'plist';
import type { PlistValue } from 'plist';

export type { PlistValue };

/** What mcms writes: plist values, with Buffers for data and undefined (left out) in dictionaries. */
export type PlistInput = string | number | boolean | Date | Buffer | Uint8Array | PlistInput[] | PlistDict;

/** A plist dictionary as mcms builds it (undefined values are left out when written). */
export interface PlistDict {
  [key: string]: PlistInput | undefined;
}

export class PlistError extends Error {
  override readonly name = 'PlistError';
}

function withoutUndefined(value: unknown): PlistValue {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Date) && !ArrayBuffer.isView(value)) {
    const out: Record<string, PlistValue> = {};
    for (const [key, child] of Object.entries(value)) if (child !== undefined) out[key] = withoutUndefined(child);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new PlistError('a plist number must be finite');
  return value as PlistValue;
}

/** XML plist text (UTF-8), root a dictionary or an array. */
export function writePlist(root: PlistDict | PlistInput[]): string {
  return build(withoutUndefined(root), { pretty: true, indent: '  ', newline: '\n' });
}

/** Reads an XML plist; throws PlistError on anything that is not one. */
export function readPlist(xml: Buffer | string): PlistValue {
  const text = typeof xml === 'string' ? xml : xml.toString('utf8');
  if (!/^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?<plist[\s>]/.test(text)) throw new PlistError('not an XML property list');
  try {
    return parse(text);
  } catch (error) {
    throw new PlistError(`malformed property list: ${(error as Error).message.split('\n')[0]!.split('[xmldom')[0]!.trim()}`);
  }
}

/** A dictionary from `readPlist`, or PlistError. */
export function readPlistDict(xml: Buffer | string): Record<string, PlistValue> {
  const value = readPlist(xml);
  if (!value || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value) || value instanceof Date || ArrayBuffer.isView(value)) {
    throw new PlistError('the property list is not a dictionary');
  }
  return value as Record<string, PlistValue>;
}

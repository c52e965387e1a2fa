/**
 * Iteration counts of the PKCS #12 KDF (RFC 7292 Appendix B.2, §5 macData) and of PBKDF2 (RFC 8018
 * §4.2): at least 2048 in what we write (OpenSSL 3's default, what Apple devices take), and a ceiling
 * on what we derive at all, so a file cannot make us hash for minutes before its MAC is checked.
 */
import { readSmallInteger } from '../der.js';
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';

export const defaultIterations = 2048;
export const maximumIterations = 1_000_000;

/** The count buildPkcs12 uses: an integer from 2048 to 1,000,000. */
export function checkBuildIterations(iterations: number): number {
  if (!Number.isSafeInteger(iterations) || iterations < defaultIterations || iterations > maximumIterations) {
    throw new PkiError('pkcs12.invalid-input',
      `iterations must be an integer from ${defaultIterations} to ${maximumIterations}`);
  }
  return iterations;
}

/** An iteration count read from a file: positive, and not above the ceiling. */
export function readIterationCount(buf: Buffer, element: Tlv | undefined): number {
  if (element?.tag !== 0x02) throw new PkiError('pkcs12.malformed', 'an iteration count is missing');
  const count = readSmallInteger(buf, element, { ber: true });
  if (count < 1) throw new PkiError('pkcs12.malformed', 'an iteration count is zero');
  if (count > maximumIterations) {
    throw new PkiError('pkcs12.unsupported', `an iteration count is above ${maximumIterations}`);
  }
  return count;
}

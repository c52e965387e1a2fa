/**
 * PKCS #12 passwords: the random ones we hand out (CA/B Forum S/MIME BR §6.1.2: a transported key
 * needs ≥ 112 bits of strength, so algorithm and password both), the refusal of empty ones (iOS and
 * macOS decode the RFC 7292 empty-password encodings differently), and the two byte forms a password
 * takes: RFC 7292 Appendix B.1 BMPString with two trailing zero octets for the Appendix B KDF, UTF-8
 * for PBKDF2 (RFC 8018 §3).
 */
import { randomBytes } from 'node:crypto';
import { PkiError } from '../errors.js';

/**
 * 32 symbols (5 bits each), lowercase so nobody reaches for shift on a phone, without 0/o and 1/l
 * which look alike in many fonts.
 */
export const passwordAlphabet = '23456789abcdefghijkmnpqrstuvwxyz';
const groups = 4;
const groupLength = 6;

/**
 * A fresh password such as `k7m2xq-9dfh3w-pzr8at-4nvc6e`: 24 symbols from a CSPRNG, 120 bits,
 * in dash-separated groups of six for whoever has to type it.
 */
export function newPkcs12Password(): string {
  const bytes = randomBytes(groups * groupLength);
  let password = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && i % groupLength === 0) password += '-';
    // 256 is a multiple of 32, so masking keeps every symbol equally likely.
    password += passwordAlphabet[bytes[i]! & 0x1f]!;
  }
  bytes.fill(0);
  return password;
}

const loneSurrogate = /\p{Cs}/u;

/** Refuses an empty password, and text with an unpaired surrogate (it has no UTF-8 or BMPString form). */
export function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) {
    throw new PkiError('pkcs12.unusable-password',
      'a PKCS#12 password must not be empty: iOS and macOS disagree on how empty-password files are encoded');
  }
  if (loneSurrogate.test(password)) throw new PkiError('pkcs12.unusable-password', 'the password is not valid Unicode text');
}

/**
 * RFC 7292 Appendix B.1: the password as a BMPString (UTF-16BE; characters beyond the BMP as
 * surrogate pairs, as OpenSSL 1.1+ does) followed by two zero octets. Zero it after use.
 */
export function bmpPassword(password: string): Buffer {
  const bytes = Buffer.alloc(2 * password.length + 2);
  for (let i = 0; i < password.length; i++) bytes.writeUInt16BE(password.charCodeAt(i), 2 * i);
  return bytes;
}

/** RFC 8018 §3: PBKDF2 takes the password as an octet string; UTF-8 is what OpenSSL passes. Zero it after use. */
export function utf8Password(password: string): Buffer {
  return Buffer.from(password, 'utf8');
}

/**
 * Certificate serial numbers (RFC 5280 §4.1.2.2: positive, at most 20 octets; CA/B Forum S/MIME BR
 * §7.1: at least 64 bits from a CSPRNG). Ours are 16 octets with the top bits fixed to 01, so the
 * INTEGER is positive, never zero and always 16 octets long (126 random bits).
 */
import { randomBytes } from 'node:crypto';

export function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

/** Lowercase hex of the magnitude, without leading zero octets (as readCertificate reports it). */
export function serialToHex(serial: Buffer): string {
  let first = 0;
  while (first < serial.length - 1 && serial[first] === 0) first++;
  return serial.subarray(first).toString('hex');
}

/** The outside view of a certificate on every edge: the inventory fields, its state now, the PEM; never a Buffer. */
import type { CertificateRecord } from '../domain/inventory/index.js';
import { certificateState } from '../domain/inventory/index.js';
import { toPem } from '../lib/pki/index.js';

export function certificateView(record: CertificateRecord, now: Date) {
  const { der, ...fields } = record;
  return { ...fields, state: certificateState(record, now), pem: toPem('CERTIFICATE', der) };
}

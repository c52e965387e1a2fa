/**
 * Opens a peer's CertRep (RFC 8894 §3.3.2) with BER allowed: step-ca and micromdm build their
 * replies with Go's pkcs7 package, which writes the EnvelopedData's encryptedContent as a
 * constructed OCTET STRING (BER, not DER), so test/support's readCertRep (DER only, right for mcms)
 * refuses them. Same result shape; mcms's replies are still read strictly.
 */
import {
  decryptEnvelopedData, idFailInfo, idPkiStatus, idTransactionID, parseEnvelopedData, parseSignedData,
} from '../src/lib/pki/index.js';
import { rawDecryptWith } from '../src/lib/pki/cms/fixtures/test-certificates.js';
import type { CertRep, ScepDevice } from '../test/support/scep-device.js';

const PKI_STATUS: Record<string, CertRep['status']> = { '0': 'SUCCESS', '2': 'FAILURE', '3': 'PENDING' };
/** The text of a PrintableString attribute value (short form: tag, length, text). */
const printable = (value: Buffer | undefined) => (value ? value.subarray(2).toString('latin1') : undefined);

export async function readPeerCertRep(device: ScepDevice, der: Buffer): Promise<CertRep> {
  const signed = parseSignedData(der, { ber: true });
  const attributes = signed.signerInfos[0]?.signedAttributes?.values;
  if (!attributes) throw new Error('CertRep without signed attributes');
  const status = PKI_STATUS[printable(attributes.get(idPkiStatus)?.[0]) ?? ''] ?? 'FAILURE';
  const rep: CertRep = { status, transactionId: printable(attributes.get(idTransactionID)?.[0]) ?? '', certificates: [] };
  if (status === 'FAILURE') rep.failInfo = printable(attributes.get(idFailInfo)?.[0]);
  if (status === 'SUCCESS') {
    if (!signed.content) throw new Error('SUCCESS without content');
    const key = { recipientCertificate: device.party.certificate, rsaRawDecrypt: rawDecryptWith(device.party.privateKey) };
    const inner = await decryptEnvelopedData(parseEnvelopedData(signed.content, { ber: true }), key);
    rep.certificates = parseSignedData(inner, { ber: true }).certificates;
  }
  return rep;
}

/**
 * SCEP messages (RFC 8894 §3): reading and verifying request pkiMessages, their message data, and
 * building CertRep replies. Transport (GetCACaps, GetCACert, HTTP) and decisions live elsewhere.
 */
export {
  failInfos, idFailInfo, idMessageType, idPkiStatus, idRecipientNonce, idScepFailInfoText, idSenderNonce,
  idTransactionID, pkiStatuses, scepMessageTypes,
} from './scep-attributes.js';
export type { FailInfo, PkiStatus, ScepMessageType, ScepRequestType } from './scep-attributes.js';
export { readPkiMessage } from './pki-message.js';
export type { PkiMessage } from './pki-message.js';
export { readMessageData } from './message-data.js';
export type { MessageData } from './message-data.js';
export { buildCertRep, createCertRepSigner } from './cert-rep.js';
export type { CertRepInput, CertRepSigner } from './cert-rep.js';

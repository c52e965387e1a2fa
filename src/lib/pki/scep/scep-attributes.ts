/**
 * The SCEP signed attributes and their values (RFC 8894 §3.2.1 and §3.2.1.2–§3.2.1.4, IANA "SCEP
 * Message Types"): attribute OIDs under id-attributes (2.16.840.1.113733.1.9), messageType,
 * pkiStatus and failInfo as the decimal numbers carried in a PrintableString, and failInfoText
 * (id-scep-failInfoText, RFC 8894 §3.2.1.4.1) as a UTF8String.
 */

export const idMessageType = '2.16.840.1.113733.1.9.2';
export const idPkiStatus = '2.16.840.1.113733.1.9.3';
export const idFailInfo = '2.16.840.1.113733.1.9.4';
export const idSenderNonce = '2.16.840.1.113733.1.9.5';
export const idRecipientNonce = '2.16.840.1.113733.1.9.6';
export const idTransactionID = '2.16.840.1.113733.1.9.7';
export const idScepFailInfoText = '1.3.6.1.5.5.7.24.1';

/** messageType values (18 is unassigned: old drafts' UpdateReq). */
export const scepMessageTypes = {
  CertRep: 3, RenewalReq: 17, PKCSReq: 19, CertPoll: 20, GetCert: 21, GetCRL: 22,
} as const;

export type ScepMessageType = keyof typeof scepMessageTypes;
/** The messages a client sends. */
export type ScepRequestType = Exclude<ScepMessageType, 'CertRep'>;

export const pkiStatuses = { SUCCESS: 0, FAILURE: 2, PENDING: 3 } as const;
export type PkiStatus = keyof typeof pkiStatuses;

export const failInfos = { badAlg: 0, badMessageCheck: 1, badRequest: 2, badTime: 3, badCertId: 4 } as const;
export type FailInfo = keyof typeof failInfos;

const requestTypeByNumber = new Map<string, ScepRequestType>(
  (Object.entries(scepMessageTypes) as [ScepMessageType, number][])
    .filter((entry): entry is [ScepRequestType, number] => entry[0] !== 'CertRep')
    .map(([name, value]) => [String(value), name]),
);

/** The request type a messageType attribute's text names, or undefined (CertRep, 18, anything else). */
export function requestTypeOf(text: string): ScepRequestType | undefined {
  return requestTypeByNumber.get(text);
}

/**
 * Extensions that point elsewhere or name things (RFC 5280): subjectAltName §4.2.1.6,
 * cRLDistributionPoints §4.2.1.13, authorityInfoAccess §4.2.2.1, certificatePolicies §4.2.1.4
 * (CPS pointer qualifier only, as S/MIME BR §7.1.2.3 (a) allows), and id-pkix-ocsp-nocheck
 * (RFC 6960 §4.2.2.2.1).
 */
import { contextExplicit, contextImplicit, ia5String, nullValue, oid, seq } from './der.js';
import { PkiError } from './errors.js';
import type { Extension } from './extension.js';
import { dnsName, rfc822Name, uniformResourceIdentifier } from './general-names.js';
import * as oids from './oids.js';

function unencodable(message: string): never {
  throw new PkiError('der.unencodable', message);
}

export interface AltNames {
  emails?: readonly string[];
  dns?: readonly string[];
  uris?: readonly string[];
}

/** Critical exactly when the subject DN is empty (RFC 5280 §4.2.1.6); the caller knows which. */
export function subjectAltName(names: AltNames, critical: boolean): Extension {
  const generalNames = [
    ...(names.emails ?? []).map(rfc822Name),
    ...(names.dns ?? []).map(dnsName),
    ...(names.uris ?? []).map(uniformResourceIdentifier),
  ];
  if (generalNames.length === 0) unencodable('subjectAltName needs at least one name');
  return { oid: oids.idCeSubjectAltName, critical, value: seq(...generalNames) };
}

/** One DistributionPoint whose fullName lists the URLs: the same CRL at each location. */
export function crlDistributionPoints(urls: readonly string[]): Extension {
  if (urls.length === 0) unencodable('cRLDistributionPoints needs at least one URL');
  // distributionPoint [0] is a CHOICE, so EXPLICIT; fullName [0] IMPLICIT GeneralNames.
  const fullName = contextImplicit(0, Buffer.concat(urls.map(uniformResourceIdentifier)), true);
  return { oid: oids.idCeCRLDistributionPoints, critical: false, value: seq(seq(contextExplicit(0, fullName))) };
}

export function authorityInfoAccess(access: { caIssuers?: readonly string[]; ocsp?: readonly string[] }): Extension {
  const descriptions = [
    ...(access.ocsp ?? []).map((url) => seq(oid(oids.idAdOcsp), uniformResourceIdentifier(url))),
    ...(access.caIssuers ?? []).map((url) => seq(oid(oids.idAdCaIssuers), uniformResourceIdentifier(url))),
  ];
  if (descriptions.length === 0) unencodable('authorityInfoAccess needs at least one URL');
  return { oid: oids.idPeAuthorityInfoAccess, critical: false, value: seq(...descriptions) };
}

export interface PolicyInformation {
  oid: string;
  /** An id-qt-cps pointer qualifier. */
  cpsUri?: string;
}

export function certificatePolicies(policies: readonly PolicyInformation[]): Extension {
  if (policies.length === 0) unencodable('certificatePolicies needs at least one policy');
  if (new Set(policies.map((p) => p.oid)).size !== policies.length) unencodable('a policy OID appears twice');
  const information = policies.map(({ oid: policyOid, cpsUri }) => (cpsUri === undefined
    ? seq(oid(policyOid))
    : seq(oid(policyOid), seq(seq(oid(oids.idQtCps), ia5String(cpsUri))))));
  return { oid: oids.idCeCertificatePolicies, critical: false, value: seq(...information) };
}

/** For OCSP responder certificates: the extension value is NULL. */
export function ocspNoCheck(): Extension {
  return { oid: oids.idPkixOcspNocheck, critical: false, value: nullValue() };
}

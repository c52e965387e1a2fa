/**
 * Where relying parties fetch status and issuer certificates for certificates an identity issues:
 * RFC 5280 §4.2.1.13 (CRL distribution point) and §4.2.2.1 (caIssuers, OCSP). S/MIME BR §7.1.2.3 (b),
 * (c): HTTP URLs, which is why these hang off MCMS_BASE_URL and not off a TLS-only host.
 */
export interface PublicationUrls {
  crl: string;
  caIssuers: string;
  ocsp: string;
  /** Where the delta CRLs are (freshestCRL, RFC 5280 §5.2.6). */
  deltaCrl: string;
}

export function publicationUrls(baseUrl: string, issuerId: string): PublicationUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return { crl: `${base}/crl/${issuerId}.crl`, caIssuers: `${base}/ca/${issuerId}.crt`, ocsp: `${base}/ocsp`, deltaCrl: `${base}/crl/${issuerId}-delta.crl` };
}

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

/**
 * CRL partitioning (RFC 5280 §5.2.5, onlySomeReasons aside: a distribution point per shard). With
 * `crl.shards` N > 1 a certificate's CRL DP names shard k of N, k = last serial octet mod N (our
 * serials' low octets are uniformly random, their first is not), so phones fetch ~1/N of the entries.
 */
export function crlShardOf(serialHex: string, shards: number): number {
  return Number.parseInt(serialHex.slice(-2), 16) % shards;
}

/** Where shard k's CRL is published: `/crl/<ca>-s<k>.crl`. */
export function crlShardUrl(baseUrl: string, issuerId: string, shard: number): string {
  return `${baseUrl.replace(/\/+$/, '')}/crl/${issuerId}-s${shard}.crl`;
}


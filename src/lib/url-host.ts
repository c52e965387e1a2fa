/** A host as it is written in a URL or a host:port pair: an IPv6 address in brackets (RFC 3986 §3.2.2). */
export function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Proactive content negotiation on the Accept header (RFC 9110 §12.5.1): the offer with the highest
 * quality wins, the most specific matching range giving an offer its quality; ties go to the
 * server's order. With no Accept header, or nothing acceptable, the first offer is served (§12.5.1
 * allows ignoring the header rather than answering 406).
 */

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseRange(text: string): MediaRange | null {
  const [range = '', ...params] = text.split(';').map((part) => part.trim().toLowerCase());
  const [type, subtype] = range.split('/');
  if (!type || !subtype) return null;
  const qParam = params.find((p) => p.startsWith('q='));
  const q = qParam ? Number(qParam.slice(2)) : 1;
  return { type, subtype, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 };
}

/** 3 for type/subtype, 2 for type/*, 1 for * / *, 0 when the range does not match. */
function specificity(range: MediaRange, offer: string): number {
  const [type, subtype] = offer.toLowerCase().split('/');
  if (range.type === '*' && range.subtype === '*') return 1;
  if (range.type !== type) return 0;
  if (range.subtype === '*') return 2;
  return range.subtype === subtype ? 3 : 0;
}

function quality(ranges: MediaRange[], offer: string): number {
  let best = { specificity: 0, q: 0 };
  for (const range of ranges) {
    const s = specificity(range, offer);
    if (s > best.specificity) best = { specificity: s, q: range.q };
  }
  return best.q;
}

export function preferredMediaType<T extends string>(accept: string | undefined, offers: readonly [T, ...T[]]): T {
  if (!accept) return offers[0];
  const ranges = accept.split(',').map(parseRange).filter((r): r is MediaRange => r !== null);
  let chosen = offers[0];
  let chosenQ = 0;
  for (const offer of offers) {
    const q = quality(ranges, offer);
    if (q > chosenQ) [chosen, chosenQ] = [offer, q];
  }
  return chosen;
}

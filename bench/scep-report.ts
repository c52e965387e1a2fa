/**
 * The result lines of `bench/scep.ts`: per server and level the median enrollments per second over
 * the repetitions, ratios of mcms to each peer, failures and duplicate serials; then the large
 * inventory figure beside the empty one, and one summary line against issue 3's target.
 */
import { duplicateSerials } from './scep-load.js';

export const LEVELS = [1, 4, 8] as const;

/** Per server and level: the rate and server CPU per enrollment (ms) of each repetition, failures by reason, serials issued. */
export interface Tally { rates: number[]; cpuMs: number[]; failures: Map<string, number>; serials: string[] }
export type Tallies = ReadonlyMap<number, ReadonlyMap<string, Tally>>;

export const newTally = (): Tally => ({ rates: [], cpuMs: [], failures: new Map(), serials: [] });
const failureCount = (t: Tally) => [...t.failures.values()].reduce((a, b) => a + b, 0);
export const rate = (n: number) => `${n.toFixed(0)}/s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `names[0]` is mcms; the others are its peers. */
export function levelLine(concurrency: number, names: readonly string[], tallies: ReadonlyMap<string, Tally>): string {
  const t = (name: string) => tallies.get(name)!;
  const rates = names.map((name) => `${name} ${rate(median(t(name).rates))} (CPU ${median(t(name).cpuMs).toFixed(2)} ms/enrollment)`).join(', ');
  const ratios = names.slice(1).map((name) => `mcms/${name} ${ratio(median(t('mcms').rates), median(t(name).rates))}`).join(', ');
  const failures = names.map((name) => `${name} ${failureCount(t(name))}`).join(' ');
  const duplicates = names.map((name) => `${name} ${duplicateSerials(t(name).serials)}`).join(' ');
  return `scep c=${concurrency}: ${rates}; ${ratios ? `${ratios}; ` : ''}failures ${failures}; duplicate serials ${duplicates}`;
}

/** mcms with its data directory as the levels left it (`empty`) and with `rows` certificates (`large`). */
export interface InventoryComparison { rows: number; empty: Tally; large: Tally }

/**
 * Duplicate serials among everything mcms issued: the levels, then each copy of its data directory
 * on top of them (the two copies share the levels' history, not each other's).
 */
function mcmsDuplicates(byLevel: Tallies, inventory: InventoryComparison): number {
  const levels = LEVELS.flatMap((c) => byLevel.get(c)!.get('mcms')!.serials);
  const added = (copy: Tally) => duplicateSerials([...levels, ...copy.serials]) - duplicateSerials(levels);
  return duplicateSerials(levels) + added(inventory.empty) + added(inventory.large);
}

export function inventoryLine(byLevel: Tallies, inventory: InventoryComparison): string {
  const { rows, empty, large } = inventory;
  const issued = LEVELS.reduce((n, c) => n + byLevel.get(c)!.get('mcms')!.serials.length, 0) + empty.serials.length + large.serials.length;
  return `scep c=4 with ${rows} certificates in inventory: mcms ${rate(median(large.rates))} ` +
    `(empty inventory ${rate(median(empty.rates))}, served alternately; ratio ${ratio(median(large.rates), median(empty.rates))}); ` +
    `failures ${failureCount(large)} (empty ${failureCount(empty)}); duplicate serials ${mcmsDuplicates(byLevel, inventory)} among all ${issued} mcms certificates of the run`;
}

export function summaryLine(run: { requests: number; reps: number }, names: readonly string[], byLevel: Tallies, inventory: InventoryComparison): string {
  const at = (c: number, name: string) => byLevel.get(c)!.get(name)!;
  const ratios = names.slice(1).map((name) => `mcms/${name} ${LEVELS.map((c) => ratio(median(at(c, 'mcms').rates), median(at(c, name).rates))).join('/')}`);
  const total = (name: string, f: (t: Tally) => number) => LEVELS.reduce((sum, c) => sum + f(at(c, name)), 0);
  const failures = names.map((name) => `${name} ${total(name, failureCount)}`).join(' ');
  const duplicates = names.map((name) => `${name} ${duplicateSerials(LEVELS.flatMap((c) => at(c, name).serials))}`).join(' ');
  const inventoryRatio = median(inventory.large.rates) / median(inventory.empty.rates);
  const misses = [
    ...(names.includes('step-ca') && median(at(4, 'mcms').rates) < median(at(4, 'step-ca').rates) ? ['slower than step-ca at c=4'] : []),
    ...(total('mcms', failureCount) + failureCount(inventory.empty) + failureCount(inventory.large) > 0 ? ['mcms failures'] : []),
    ...(mcmsDuplicates(byLevel, inventory) > 0 ? ['mcms duplicate serials'] : []),
    ...(inventoryRatio < 0.9 ? ['slower with the large inventory'] : []),
  ];
  const verdict = names.includes('step-ca') ? (misses.length ? `not met (${misses.join('; ')})` : 'met') : 'not judged (--skip-peers)';
  return `scep summary (${run.requests} requests x ${run.reps} reps per server and level, medians; c=1/4/8): ` +
    `${ratios.length ? `${ratios.join(', ')}; ` : ''}failures ${failures}; duplicate serials (whole run) ${duplicates}; ` +
    `mcms ${inventory.rows} certificates/empty at c=4 ${inventoryRatio.toFixed(2)}x; ` +
    `issue 3 target (c=4 >= 1.0x step-ca, 0 failures, 0 duplicate serials, large inventory >= 0.90x): ${verdict}`;
}

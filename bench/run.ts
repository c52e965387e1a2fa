/**
 * `npm run bench -- <name> [options]`: runs one benchmark, which prints one comparable line with its
 * peer's figure and the ratio. Benchmarks are bounded in count and time and use loopback only.
 */
const BENCHMARKS: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  issue: () => import('./issue.js'),
  scep: () => import('./scep.js'),
  escrow: () => import('./escrow.js'),
  profile: () => import('./profile.js'),
  directory: () => import('./directory.js'),
  expiry: () => import('./expiry.js'),
  ocsp: () => import('./ocsp.js'),
  crl: () => import('./crl.js'),
};

const [name, ...args] = process.argv.slice(2);
const load = name ? BENCHMARKS[name] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [options]`);
  process.exit(64);
}
await (await load()).run(args);

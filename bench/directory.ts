/**
 * Directory integration against a real slapd on loopback: `mcms directory sync` of N generated entries
 * (first sync: every person added, audited; second: nothing changed) beside the peer, `ldapsearch`
 * reading the same entries with the same page size (RFC 2696) into /dev/null — the floor a sync cannot
 * beat; and a publication drain of P new encryption certificates (two values each) beside `ldapmodify`
 * adding the same 2·P values in one process.
 *
 * Options: --entries N (default 2000), --people P (default 60).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { openMcms } from '../src/main/open-mcms.js';
import { degenerateSignedData } from '../src/lib/pki/index.js';
import { tempDir } from '../test/support/openssl.js';
import { PEOPLE, ROOT_DN, ROOT_PASSWORD, startSlapd } from '../test/support/slapd.js';

const run_ = promisify(execFile);
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

const person = (i: number) => {
  const uid = `p${String(i).padStart(6, '0')}`;
  return `dn: uid=${uid},${PEOPLE}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\ndisplayName: Person ${i}\nmail: ${uid}@example.test\n`;
};

export async function run(args: string[]): Promise<void> {
  const entries = Number(option(args, 'entries', '2000'));
  const people = Math.min(Math.floor(entries / 2), Number(option(args, 'people', '60')));
  const slapd = await startSlapd();
  const dir = tempDir('mcms-bench-directory-');
  try {
    slapd.add(Array.from({ length: entries }, (_, i) => person(i)).join('\n'));
    let start = process.hrtime.bigint();
    await run_('ldapsearch', ['-x', '-LLL', '-E', 'pr=500/noprompt', '-H', slapd.url, '-b', PEOPLE, '(objectClass=inetOrgPerson)',
      'mail', 'displayName', 'uid', 'cn'], { maxBuffer: 1 << 28 });
    const peerRead = entries / seconds(start);

    const env = {
      MCMS_DATA_DIR: dir.file('data'), MCMS_LOG_LEVEL: 'silent', MCMS_ESCROW_POOL_SIZE: String(people),
      MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
    };
    const mcms = await openMcms(loadConfig({ env, cwd: dir.path }), { init: true });
    const admin = mcms.localPrincipal();
    await mcms.ca.init(admin);
    start = process.hrtime.bigint();
    const first = await mcms.directory.sync(admin, { dryRun: false });
    const firstRate = first.entries / seconds(start);
    start = process.hrtime.bigint();
    const second = await mcms.directory.sync(admin, { dryRun: false });
    const secondRate = second.entries / seconds(start);

    await mcms.escrow.warmPool();
    const ders: Buffer[] = [];
    for (let i = 0; i < people; i++) ders.push((await mcms.escrow.generate(admin, { subscriber: `p${String(i).padStart(6, '0')}@example.test` })).certificate.der);
    start = process.hrtime.bigint();
    const drain = await mcms.directory.publish(admin);
    const publishRate = drain.valuesAdded / seconds(start);
    await mcms.close();

    // The peer writes the same two values per person, to entries mcms has not touched.
    const ldif = ders.map((der, i) => [`dn: uid=p${String(people + i).padStart(6, '0')},${PEOPLE}`, 'changetype: modify',
      'add: userCertificate;binary', `userCertificate;binary:: ${der.toString('base64')}`, '-',
      'add: userSMIMECertificate', `userSMIMECertificate:: ${degenerateSignedData([der]).toString('base64')}`, ''].join('\n')).join('\n');
    start = process.hrtime.bigint();
    execFileSync('ldapmodify', ['-x', '-H', slapd.url, '-D', ROOT_DN, '-w', ROOT_PASSWORD], { input: ldif, stdio: ['pipe', 'ignore', 'pipe'] });
    const peerModify = (2 * people) / seconds(start);

    const f = (n: number) => n.toFixed(0);
    console.log(
      `directory (slapd, ${entries} entries, pages of 500): mcms sync first ${f(firstRate)} entries/s (${first.added} added), `
      + `again ${f(secondRate)} entries/s (${second.unchanged} unchanged); ldapsearch ${f(peerRead)} entries/s; `
      + `ratio first/ldapsearch ${(firstRate / peerRead).toFixed(2)}x, again/ldapsearch ${(secondRate / peerRead).toFixed(2)}x; `
      + `publish ${f(publishRate)} values/s (${drain.valuesAdded} values, ${drain.delivered} intents) vs ldapmodify ${f(peerModify)} values/s, `
      + `ratio ${(publishRate / peerModify).toFixed(2)}x`,
    );
  } finally {
    await slapd.dispose();
    dir.remove();
  }
}

/** What every group of bound services shares: config, store, keys, clock, mail, the profile catalogue, the CA. */
import type { Config } from '../config/index.js';
import type { Store } from '../adapters/db/store.js';
import { SmtpMailer } from '../adapters/mail/smtp-mailer.js';
import type { KeyStore } from '../domain/ca/index.js';
import { IssuingAuthority } from '../domain/ca/index.js';
import type { Mailer } from '../domain/outbound-mail.js';
import type { SubjectSettings } from '../domain/policy/index.js';
import { ProfileCatalog } from '../domain/policy/index.js';
import type { Clock } from '../lib/clock.js';

export interface Wiring {
  config: Config;
  store: Store;
  uow: Store;
  keys: KeyStore;
  clock: Clock;
  profiles: ProfileCatalog;
  subjectSettings: SubjectSettings;
  /** Outbound mail (SMTP, `mail.*`); `configured` is false when no server is set. */
  mailer: Mailer;
  /** The issuing CA, loaded on first use (after `mcms init`) and kept. */
  issuingAuthority(): Promise<IssuingAuthority>;
  /** The current complete CRL of the CA with this subject Name (SCEP GetCRL); set by revocation-services. */
  crlForIssuer?: (issuerName: Buffer) => Promise<Buffer | null>;
}

export function createWiring(config: Config, store: Store, keys: KeyStore, clock: Clock): Wiring {
  let authority: Promise<IssuingAuthority> | undefined;
  return {
    config, store, uow: store, keys, clock,
    mailer: new SmtpMailer(config.mail),
    profiles: new ProfileCatalog(config.profiles, config.certificates.validation),
    subjectSettings: {
      validation: config.certificates.validation,
      organization: config.ca.organization,
      organizationIdentifier: config.ca.organizationIdentifier,
      country: config.ca.country,
    },
    issuingAuthority: () => {
      authority ??= IssuingAuthority.load({ identities: store.read.identities, keys }, { baseUrl: config.baseUrl, crlShards: config.crl.shards });
      authority.catch(() => { authority = undefined; });
      return authority;
    },
  };
}

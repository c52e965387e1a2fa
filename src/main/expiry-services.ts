/** Binds expiry monitoring: policy from `expiry.*`, the scan, the outbox drain with its channels and actions, imports, reports. */
import { FetchWebhookSender } from '../adapters/webhook/webhook-sender.js';
import type { Config } from '../config/index.js';
import { requirePermission } from '../domain/access/index.js';
import type { DeliveryDeps, DirectoryCertificates, ExpiryDeps, ExpiryPolicy, ExpirySettings } from '../domain/expiry/index.js';
import * as expiry from '../domain/expiry/index.js';
import type { Mcms } from '../entrypoints/services.js';
import type { ExpiryHooks } from './expiry-actions.js';
import { builtInExpiryActions } from './expiry-actions.js';
import type { Wiring } from './wiring.js';

const days = (text: string) => [...new Set(text.split(',').map((d) => Number(d.trim())).filter((d) => d > 0))].sort((a, b) => b - a);

export function expirySettings(config: Config): ExpirySettings {
  const defaults = days(config.expiry.thresholds);
  const policies = new Map<string, ExpiryPolicy>();
  for (const [profile, p] of Object.entries(config.expiry.profiles)) {
    const thresholds = p.thresholds ? days(p.thresholds) : defaults;
    policies.set(profile, { thresholds, notifyHolder: p.notifyHolder, action: p.action, actionDays: p.actionDays ?? thresholds[0] ?? 30 });
  }
  const { url, secret, timeoutMs } = config.expiry.webhook;
  return {
    policies,
    defaultPolicy: { thresholds: defaults, notifyHolder: true, action: 'none', actionDays: defaults[0] ?? 30 },
    operators: config.expiry.operators.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean),
    webhook: url && secret ? { url, secret, timeoutMs } : null,
    actionUrl: config.expiry.actionUrl ?? null,
    graceDays: config.expiry.graceDays,
    maxAttempts: config.expiry.maxAttempts,
  };
}

/**
 * `directory`: the certificate values on the directory's people entries (directory-services), for
 * `importFromDirectory`; null when no directory is configured.
 */
export function expiryServices(wiring: Wiring, mcms: () => Mcms, hooks: ExpiryHooks = {}, directory: DirectoryCertificates | null = null): Pick<Mcms, 'expiry'> {
  const { config, clock, mailer } = wiring;
  const settings = expirySettings(config);
  const deps: ExpiryDeps = { uow: wiring.uow, clock, settings };
  const webhooks = new FetchWebhookSender(clock);
  const delivery: DeliveryDeps = {
    ...deps, mailer, webhooks, baseUrl: config.baseUrl,
    actions: builtInExpiryActions({ config, mailer, webhooks, hooks, mcms }),
  };
  return {
    expiry: {
      scan: (principal, options) => expiry.scanExpiry(deps, principal, options),
      deliver: async (principal, options) => {
        requirePermission(principal, 'operations.run');
        return expiry.deliverNotifications(delivery, options);
      },
      report: (principal, options) => expiry.expiryReport(deps, principal, options),
      outbox: (principal, filter) => expiry.listOutbox(deps, principal, filter),
      importCertificates: (principal, files, options) => expiry.importMonitoredCertificates(deps, principal, files, { source: options?.source ?? 'file' }),
      importFromDirectory: (principal) => expiry.importDirectoryCertificates(deps, directory, principal),
    },
  };
}

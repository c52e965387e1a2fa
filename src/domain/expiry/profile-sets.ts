/**
 * Profiles grouped by one aspect of their policy (thresholds, action, holder notices), so that the
 * scan runs one statement per group and window instead of one per profile or per certificate.
 */
import type { ExpiryPolicy, ExpirySettings, ProfileSet } from './model.js';

export interface PolicyGroup {
  policy: ExpiryPolicy;
  profiles: ProfileSet;
}

/** Groups of profiles whose policies agree on `aspect`; the default policy's group is "every other profile". */
export function groupProfiles(settings: ExpirySettings, aspect: (policy: ExpiryPolicy) => string): PolicyGroup[] {
  const defaultKey = aspect(settings.defaultPolicy);
  const named = new Map<string, { policy: ExpiryPolicy; profiles: string[] }>();
  for (const [profile, policy] of settings.policies) {
    const key = aspect(policy);
    if (key === defaultKey) continue;
    const group = named.get(key) ?? { policy, profiles: [] };
    group.profiles.push(profile);
    named.set(key, group);
  }
  const others = [...named.values()].flatMap((g) => g.profiles);
  return [
    { policy: settings.defaultPolicy, profiles: { exclude: others } },
    ...[...named.values()].map((g) => ({ policy: g.policy, profiles: { include: g.profiles } })),
  ];
}

export function includesProfile(set: ProfileSet, profile: string): boolean {
  return 'include' in set ? set.include.includes(profile) : !set.exclude.includes(profile);
}

// The upstreams, as the API contract spells them in `error.upstream`: the catalog, the provider clients,
// the metrics' `provider` dimension and the alarms all name them from here. No imports: infra/ loads it.
export const PROVIDERS = ['skippay', 'skip-backend', 'etpay'] as const;
export type Provider = (typeof PROVIDERS)[number];

// Our own AWS dependencies, as DEPENDENCY_UNAVAILABLE (`error.dependency`), the clients' deadlines, the
// metrics' `dependency` dimension and the alarms name them. No imports: infra/ loads it.
export const DEPENDENCIES = ['dynamodb', 'secretsmanager', 'eventbridge'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

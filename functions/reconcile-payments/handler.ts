// Scheduled every 5 minutes by the stage's EventBridge schedule (no route): pulls the status of every payment
// attempt due for a check and records what the providers say (shared/routes/reconcile-payments/reconcile-payments.ts).
import type { Context, ScheduledEvent } from 'aws-lambda';
import { getSecret } from '#shared/config/secrets.ts';
import { reconcilePayments, type ReconcileSummary } from '#shared/routes/reconcile-payments/reconcile-payments.ts';

export const handler = (event: ScheduledEvent, context: Context): Promise<ReconcileSummary> => reconcilePayments(event, context, { secrets: getSecret });

// The one structured JSON logger (Powertools): request id on every line, redaction on every value.
import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './metric-names.ts';
import { redactingReplacer } from './redact.ts';

export const logger = new Logger({
  serviceName: SERVICE_NAME,
  jsonReplacerFn: redactingReplacer,
});

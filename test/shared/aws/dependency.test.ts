import { describe, expect, it } from 'vitest';
import { classifyDependencyError, isTransientAwsError } from '#shared/aws/dependency.ts';
import { DEPENDENCIES } from '#shared/aws/dependency-names.ts';
import { ApiError } from '#shared/errors.ts';
import { captureOutput } from '../../support/logs.ts';

const output = captureOutput();
const sdkError = (name: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(name), { name, ...extra });

describe('isTransientAwsError: what the SDK itself would call transient', () => {
  it.each([
    { name: 'the call deadline (AbortError)', error: sdkError('AbortError') },
    { name: 'an attempt timeout', error: sdkError('TimeoutError', { code: 'ETIMEDOUT' }) },
    { name: 'connection refused', error: sdkError('Error', { code: 'ECONNREFUSED' }) },
    { name: 'connection reset', error: sdkError('Error', { code: 'ECONNRESET' }) },
    { name: 'DNS failure', error: sdkError('Error', { code: 'ENOTFOUND' }) },
    { name: 'DynamoDB throttling', error: sdkError('ProvisionedThroughputExceededException', { $metadata: { httpStatusCode: 400 } }) },
    { name: 'a 500', error: sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } }) },
    { name: 'an unknown 503', error: sdkError('Unknown', { $metadata: { httpStatusCode: 503 } }) },
    { name: 'a 429', error: sdkError('Unknown', { $metadata: { httpStatusCode: 429 } }) },
    { name: 'a transient cause', error: sdkError('Wrapper', { cause: sdkError('Error', { code: 'EPIPE' }) }) },
  ])('$name → transient', ({ error }) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    { name: 'a condition failure', error: sdkError('ConditionalCheckFailedException', { $metadata: { httpStatusCode: 400 } }) },
    { name: 'access denied', error: sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }) },
    { name: 'no such table', error: sdkError('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } }) },
    { name: 'a validation error', error: sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } }) },
    { name: 'a programming error', error: new TypeError('x is undefined') },
    { name: 'not an error', error: 'boom' },
  ])('$name → not transient', ({ error }) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});

describe('classifyDependencyError: the one mapping every AWS client uses (DynamoDB, Secrets Manager, EventBridge)', () => {
  it.each(DEPENDENCIES)('%s: transient → 503 DEPENDENCY_UNAVAILABLE, counted per dependency', (dependency) => {
    const mark = output.mark();
    const error = classifyDependencyError(dependency, sdkError('ThrottlingException'), 'PutEventsCommand') as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', status: 503, dependency, reason: `${dependency}: PutEventsCommand failed (ThrottlingException)` });
    const lines = output.linesSince(mark).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => 'DependencyUnavailable' in line)).toMatchObject({ dependency, DependencyUnavailable: 1 });
  });

  it('anything else passes through unchanged, uncounted, for the caller to judge', () => {
    const mark = output.mark();
    const condition = sdkError('ConditionalCheckFailedException');
    expect(classifyDependencyError('dynamodb', condition)).toBe(condition);
    const already = new ApiError('CONFIGURATION_ERROR');
    expect(classifyDependencyError('secretsmanager', already)).toBe(already);
    expect(output.linesSince(mark)).toEqual([]);
  });
});

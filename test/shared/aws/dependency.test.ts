import { describe, expect, it } from 'vitest';
import { classifyDependencyError, isTransientAwsError } from '#shared/aws/dependency.ts';
import { DEPENDENCIES } from '#shared/aws/dependency-names.ts';
import { ApiError } from '#shared/errors.ts';
import { captureOutput } from '../../support/logs.ts';

const output = captureOutput();
const sdkError = (name: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(name), { name, ...extra });

describe('isTransientAwsError: what the SDK itself would call transient', () => {
  it.each([
    ['the call deadline (AbortError)', sdkError('AbortError')],
    ['an attempt timeout', sdkError('TimeoutError', { code: 'ETIMEDOUT' })],
    ['connection refused', sdkError('Error', { code: 'ECONNREFUSED' })],
    ['connection reset', sdkError('Error', { code: 'ECONNRESET' })],
    ['DNS failure', sdkError('Error', { code: 'ENOTFOUND' })],
    ['DynamoDB throttling', sdkError('ProvisionedThroughputExceededException', { $metadata: { httpStatusCode: 400 } })],
    ['a 500', sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } })],
    ['an unknown 503', sdkError('Unknown', { $metadata: { httpStatusCode: 503 } })],
    ['a 429', sdkError('Unknown', { $metadata: { httpStatusCode: 429 } })],
    ['a transient cause', sdkError('Wrapper', { cause: sdkError('Error', { code: 'EPIPE' }) })],
  ])('%s: yes', (_name, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ['a condition failure', sdkError('ConditionalCheckFailedException', { $metadata: { httpStatusCode: 400 } })],
    ['access denied', sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 400 } })],
    ['no such table', sdkError('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } })],
    ['a validation error', sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } })],
    ['a programming error', new TypeError('x is undefined')],
    ['not an error', 'boom'],
  ])('%s: no', (_name, error) => {
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

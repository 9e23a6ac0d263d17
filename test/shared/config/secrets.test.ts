import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getSecret, resetSecretsCache, SECRET_RETRY_AFTER_MS, SECRET_STALE_LIMIT_MS, SECRET_TTL_MS } from '#shared/config/secrets.ts';
import { captureOutput } from '../../support/logs.ts';
import { ETPAY_TEST_SECRET, mockSecrets, SKIP_LIVE_SECRET, SKIP_TEST_SECRET } from '../../support/secrets.ts';

const output = captureOutput();

const { mock, answer } = mockSecrets({});
const calls = () => mock.commandCalls(GetSecretValueCommand).length;

beforeEach(() => {
  answer({ skip: SKIP_TEST_SECRET, live: SKIP_LIVE_SECRET, etpay: ETPAY_TEST_SECRET });
  resetSecretsCache();
});
afterEach(() => {
  vi.useRealTimers();
});

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: { code?: string }) => error.code,
  );

describe('secrets: one fetch per container', () => {
  it('caches a secret across calls', async () => {
    await getSecret('skip', 'skip', 'staging');
    await getSecret('skip', 'skip', 'staging');
    expect(await getSecret('skip', 'skip', 'staging')).toEqual(SKIP_TEST_SECRET);
    expect(calls()).toBe(1);
  });

  it('concurrent cold requests share one in-flight fetch', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => getSecret('skip', 'skip', 'staging')));
    expect(new Set(results.map((r) => r.SKIPPAY_CLIENT_SECRET))).toEqual(new Set([SKIP_TEST_SECRET.SKIPPAY_CLIENT_SECRET]));
    expect(calls()).toBe(1);
  });

  it('refreshes after the TTL, not before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    await getSecret('etpay', 'etpay', 'staging');
    vi.setSystemTime(Date.now() + SECRET_TTL_MS - 1);
    await getSecret('etpay', 'etpay', 'staging');
    expect(calls()).toBe(1);
    answer({ etpay: { ...ETPAY_TEST_SECRET, ETPAY_MERCHANT_API_TOKEN: 'rotated' } });
    vi.setSystemTime(Date.now() + 2);
    expect((await getSecret('etpay', 'etpay', 'staging')).ETPAY_MERCHANT_API_TOKEN).toBe('rotated');
    expect(calls()).toBe(1); // answer() reset the mock's call log
  });

  it('does not cache a failure: the next request fetches again', async () => {
    answer({});
    expect(await codeOf(getSecret('skip', 'skip', 'staging'))).toBe('CONFIGURATION_ERROR');
    answer({ skip: SKIP_TEST_SECRET });
    expect(await getSecret('skip', 'skip', 'staging')).toEqual(SKIP_TEST_SECRET);
    expect(calls()).toBe(1);
  });

  it('does not cache a secret refused for its stage', async () => {
    expect(await codeOf(getSecret('skip', 'live', 'staging'))).toBe('CONFIGURATION_ERROR');
    answer({ live: SKIP_TEST_SECRET });
    expect(await getSecret('skip', 'live', 'staging')).toEqual(SKIP_TEST_SECRET);
  });
});

describe('secrets: fail closed', () => {
  it.each([
    { name: 'staging with live keys', id: 'live', stage: 'staging' },
    { name: 'local with live keys', id: 'live', stage: 'local' },
    { name: 'production with test keys', id: 'skip', stage: 'production' },
  ] as const)('$name → CONFIGURATION_ERROR', async ({ id, stage }) => {
    expect(await codeOf(getSecret('skip', id, stage))).toBe('CONFIGURATION_ERROR');
  });

  it('production accepts live keys', async () => {
    expect((await getSecret('skip', 'live', 'production')).SKIP_PUBLIC_KEY).toBe(SKIP_LIVE_SECRET.SKIP_PUBLIC_KEY);
  });

  it('a mixed secret (one live key in staging) is refused', async () => {
    answer({ mixed: { ...SKIP_TEST_SECRET, SKIPPAY_CLIENT_SECRET: 'st_live_abc' } });
    expect(await codeOf(getSecret('skip', 'mixed', 'staging'))).toBe('CONFIGURATION_ERROR');
  });

  it.each<{ name: string; value: unknown }>([
    { name: 'not JSON', value: 'pk_test_x' },
    { name: 'a JSON array', value: '[]' },
    { name: 'missing the client secret', value: { SKIP_PUBLIC_KEY: 'pk_test_a', SKIPPAY_CLIENT_ID: 'ci_test_b' } },
    { name: 'a key of the wrong kind', value: { ...SKIP_TEST_SECRET, SKIP_PUBLIC_KEY: 'st_test_a' } },
  ])('a malformed secret ($name) → CONFIGURATION_ERROR without its value in the reason', async ({ value }) => {
    answer({ bad: value });
    const error = (await getSecret('skip', 'bad', 'staging').catch((e: unknown) => e)) as { code: string; reason: string; message: string };
    expect(error.code).toBe('CONFIGURATION_ERROR');
    expect(`${error.reason} ${error.message}`).not.toMatch(/pk_test|st_test|ci_test/);
  });

  it('an unknown secret id → CONFIGURATION_ERROR', async () => {
    expect(await codeOf(getSecret('etpay', 'nope', 'staging'))).toBe('CONFIGURATION_ERROR');
  });
});

const sdkError = (name: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(`${name} (test)`), { name, ...extra });
const failWith = (error: Error) => {
  mock.reset();
  mock.on(GetSecretValueCommand).rejects(error);
};
const linesSince = (mark: number) => output.linesSince(mark).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('secrets: Secrets Manager failing', () => {
  const transient = [
    { name: 'throttled', error: sdkError('ThrottlingException') },
    { name: 'timed out', error: sdkError('TimeoutError') },
    { name: 'aborted at the deadline', error: sdkError('AbortError') },
    { name: 'a 500', error: sdkError('InternalServiceError', { $metadata: { httpStatusCode: 500 } }) },
    { name: 'connection refused', error: sdkError('Error', { code: 'ECONNREFUSED' }) },
  ].map((c) => ({ ...c, status: 503, code: 'DEPENDENCY_UNAVAILABLE' }));
  it.each(transient)('$name with nothing cached → $status $code, counted per dependency', async ({ error, status, code }) => {
    failWith(error);
    const mark = output.mark();
    const failure = (await getSecret('skip', 'skip', 'staging').catch((e: unknown) => e)) as { code: string; status: number };
    expect(failure).toMatchObject({ code, status });
    expect(linesSince(mark).find((line) => 'DependencyUnavailable' in line)).toMatchObject({ dependency: 'secretsmanager', DependencyUnavailable: 1 });
  });

  const certain = [
    { name: 'forbidden', error: sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }) },
    { name: 'missing', error: sdkError('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } }) },
    { name: 'undecryptable', error: sdkError('DecryptionFailure', { $metadata: { httpStatusCode: 400 } }) },
  ].map((c) => ({ ...c, status: 500, code: 'CONFIGURATION_ERROR' }));
  it.each(certain)('$name → $status $code, as before', async ({ error, status, code }) => {
    failWith(error);
    const failure = (await getSecret('skip', 'skip', 'staging').catch((e: unknown) => e)) as { code: string; status: number };
    expect(failure).toMatchObject({ code, status });
  });
});

describe('secrets: a failed refresh keeps the last good value for up to an hour', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });

  it('serves it, counted and logged, whatever the failure, and fetches again only after a pause', async () => {
    await getSecret('skip', 'skip', 'staging');
    vi.setSystemTime(Date.now() + SECRET_TTL_MS + 60_000); // Secrets Manager went down 6 minutes after the read
    failWith(sdkError('TimeoutError'));
    const mark = output.mark();
    expect(await getSecret('skip', 'skip', 'staging')).toEqual(SKIP_TEST_SECRET);
    const lines = linesSince(mark);
    expect(lines.find((line) => 'SecretServedStale' in line)).toMatchObject({ dependency: 'secretsmanager', SecretServedStale: 1, service: 'clinic-payments-api', stage: expect.any(String) });
    expect(lines.find((line) => line.message === 'secret refresh failed')).toMatchObject({ level: 'WARN', credential_set: 'skip', code: 'DEPENDENCY_UNAVAILABLE' });
    expect(lines.find((line) => line.message === 'secret served stale')).toMatchObject({ level: 'WARN', credential_set: 'skip', age_s: 360 });
    // Within the pause: served at once, still counted, Secrets Manager not asked again.
    const before = mock.commandCalls(GetSecretValueCommand).length;
    expect(await getSecret('skip', 'skip', 'staging')).toEqual(SKIP_TEST_SECRET);
    expect(mock.commandCalls(GetSecretValueCommand).length).toBe(before);
    // After it, one more try; a forbidden answer also keeps the good value.
    vi.setSystemTime(Date.now() + SECRET_RETRY_AFTER_MS);
    failWith(sdkError('AccessDeniedException'));
    expect(await getSecret('skip', 'skip', 'staging')).toEqual(SKIP_TEST_SECRET);
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('concurrent requests share one refresh, and all get the stale value', async () => {
    await getSecret('etpay', 'etpay', 'staging');
    vi.setSystemTime(Date.now() + SECRET_TTL_MS);
    let fail: (error: Error) => void = () => undefined;
    mock.reset();
    mock.on(GetSecretValueCommand).callsFake(() => new Promise((_resolve, reject) => (fail = reject)));
    const pending = Array.from({ length: 25 }, () => getSecret('etpay', 'etpay', 'staging'));
    await Promise.resolve();
    fail(sdkError('ThrottlingException'));
    expect(new Set((await Promise.all(pending)).map((value) => value.ETPAY_MERCHANT_API_TOKEN))).toEqual(new Set([ETPAY_TEST_SECRET.ETPAY_MERCHANT_API_TOKEN]));
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('a value older than an hour is not served: the failure is the answer', async () => {
    await getSecret('skip', 'skip', 'staging');
    vi.setSystemTime(Date.now() + SECRET_STALE_LIMIT_MS);
    failWith(sdkError('ThrottlingException'));
    expect(await codeOf(getSecret('skip', 'skip', 'staging'))).toBe('DEPENDENCY_UNAVAILABLE');
    failWith(sdkError('AccessDeniedException'));
    vi.setSystemTime(Date.now() + SECRET_RETRY_AFTER_MS);
    expect(await codeOf(getSecret('skip', 'skip', 'staging'))).toBe('CONFIGURATION_ERROR');
  });

  it('a successful refresh after a failure serves the new value', async () => {
    await getSecret('etpay', 'etpay', 'staging');
    vi.setSystemTime(Date.now() + SECRET_TTL_MS);
    failWith(sdkError('TimeoutError'));
    await getSecret('etpay', 'etpay', 'staging');
    vi.setSystemTime(Date.now() + SECRET_RETRY_AFTER_MS);
    answer({ etpay: { ...ETPAY_TEST_SECRET, ETPAY_MERCHANT_API_TOKEN: 'rotated' } });
    expect((await getSecret('etpay', 'etpay', 'staging')).ETPAY_MERCHANT_API_TOKEN).toBe('rotated');
  });
});

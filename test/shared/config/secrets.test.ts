import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getSecret, resetSecretsCache, SECRET_TTL_MS } from '#shared/config/secrets.ts';
import { ETPAY_TEST_SECRET, mockSecrets, SKIP_LIVE_SECRET, SKIP_TEST_SECRET } from '../../support/secrets.ts';

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
    ['staging with live keys', 'live', 'staging'],
    ['local with live keys', 'live', 'local'],
    ['production with test keys', 'skip', 'production'],
  ] as const)('%s → CONFIGURATION_ERROR', async (_name, id, stage) => {
    expect(await codeOf(getSecret('skip', id, stage))).toBe('CONFIGURATION_ERROR');
  });

  it('production accepts live keys', async () => {
    expect((await getSecret('skip', 'live', 'production')).SKIP_PUBLIC_KEY).toBe(SKIP_LIVE_SECRET.SKIP_PUBLIC_KEY);
  });

  it('a mixed secret (one live key in staging) is refused', async () => {
    answer({ mixed: { ...SKIP_TEST_SECRET, SKIPPAY_CLIENT_SECRET: 'st_live_abc' } });
    expect(await codeOf(getSecret('skip', 'mixed', 'staging'))).toBe('CONFIGURATION_ERROR');
  });

  it.each([
    ['not JSON', 'pk_test_x'],
    ['a JSON array', '[]'],
    ['missing the client secret', { SKIP_PUBLIC_KEY: 'pk_test_a', SKIPPAY_CLIENT_ID: 'ci_test_b' }],
    ['a key of the wrong kind', { ...SKIP_TEST_SECRET, SKIP_PUBLIC_KEY: 'st_test_a' }],
  ])('a malformed secret (%s) → CONFIGURATION_ERROR without its value in the reason', async (_name, value) => {
    answer({ bad: value });
    const error = (await getSecret('skip', 'bad', 'staging').catch((e: unknown) => e)) as { code: string; reason: string; message: string };
    expect(error.code).toBe('CONFIGURATION_ERROR');
    expect(`${error.reason} ${error.message}`).not.toMatch(/pk_test|st_test|ci_test/);
  });

  it('an unknown secret id → CONFIGURATION_ERROR', async () => {
    expect(await codeOf(getSecret('etpay', 'nope', 'staging'))).toBe('CONFIGURATION_ERROR');
  });
});

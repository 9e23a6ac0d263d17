import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '#shared/observability/logger.ts';
import { withRequestScope } from '#shared/observability/request-scope.ts';
import { setEnvironment } from '../../support/env.ts';
import { lambdaContext } from '../../support/lambda.ts';
import { captureOutput } from '../../support/logs.ts';

const output = captureOutput();

const linesOf = async (run: () => unknown): Promise<Record<string, unknown>[]> => {
  const before = output.mark();
  await run();
  return output.linesSince(before).map((line) => JSON.parse(line) as Record<string, unknown>);
};

afterEach(() => setEnvironment({ POWERTOOLS_LOG_LEVEL: undefined, AWS_LAMBDA_LOG_LEVEL: undefined, _X_AMZN_TRACE_ID: undefined }));

describe('logger', () => {
  it('writes one JSON line with the keys Powertools Logger writes, and the fields given', async () => {
    const lines = await linesOf(() => logger.info('hello', { route: 'POST /v1/orders', status: 201 }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'hello', service: 'clinic-payments-api', route: 'POST /v1/orders', status: 201 });
    expect(Date.parse(String(lines[0]?.timestamp))).not.toBeNaN();
  });

  it('inside an invocation: the Lambda context, cold_start once per container, the request keys and the trace id', async () => {
    setEnvironment({ _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' });
    const invoke = withRequestScope(async (id: string) => {
      logger.appendKeys({ request_id: id });
      await Promise.resolve();
      logger.info('in request');
      return id;
    });
    const context = lambdaContext();
    const lines = await linesOf(async () => {
      await invoke('req-1', context);
      await invoke('req-2', context);
    });
    expect(lines.map((line) => [line.request_id, typeof line.cold_start])).toEqual([
      ['req-1', 'boolean'],
      ['req-2', 'boolean'],
    ]);
    expect(lines[1]?.cold_start).toBe(false);
    expect(lines[0]).toMatchObject({
      function_name: 'test',
      function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
      function_memory_size: 512,
      function_request_id: context.awsRequestId,
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
    });
    // Outside any invocation, no request's keys linger.
    const after = await linesOf(() => logger.info('later'));
    expect(after[0]).not.toHaveProperty('request_id');
    expect(after[0]).not.toHaveProperty('function_name');
  });

  it('keeps the keys of requests served side by side apart', async () => {
    const invoke = withRequestScope(async (id: string) => {
      logger.appendKeys({ request_id: id });
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('done', { id });
    });
    const lines = await linesOf(() => Promise.all([invoke('a', lambdaContext()), invoke('b', lambdaContext())]));
    expect(lines.map((line) => [line.id, line.request_id])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
  });

  it('honours the log level: Lambda log-level control first, then POWERTOOLS_LOG_LEVEL', async () => {
    setEnvironment({ POWERTOOLS_LOG_LEVEL: 'WARN' });
    let lines = await linesOf(() => {
      logger.info('quiet');
      logger.warn('loud');
    });
    expect(lines.map((line) => line.message)).toEqual(['loud']);
    setEnvironment({ POWERTOOLS_LOG_LEVEL: 'WARN', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' });
    lines = await linesOf(() => logger.debug('verbose'));
    expect(lines.map((line) => line.message)).toEqual(['verbose']);
    setEnvironment({ POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_LAMBDA_LOG_LEVEL: undefined });
    expect(await linesOf(() => logger.error('nothing'))).toEqual([]);
  });

  it('writes an Error with name, message and stack, redacted like any value', async () => {
    const error = new TypeError('lookup failed for ana.perez@example.cl', { cause: new Error('rut 12.345.678-5') });
    const lines = await linesOf(() => logger.error('request failed', { error }));
    const written = lines[0]?.error as Record<string, unknown>;
    expect(written).toMatchObject({ type: 'TypeError', message: 'lookup failed for [email]', cause: { type: 'Error', message: 'rut [rut]' } });
    expect(String(written.stack)).toContain('TypeError');
    expect(output.text()).not.toContain('ana.perez@example.cl');
    expect(output.text()).not.toContain('12.345.678-5');
  });

  it('a field cannot overwrite the logger\'s own keys', async () => {
    const lines = await linesOf(() => logger.info('mine', { level: 'DEBUG', message: 'theirs', service: 'other', status: 200 }));
    expect(output.lines().at(-1)?.match(/"message"/g)).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'mine', service: 'clinic-payments-api', status: 200 });
  });

  it('drops values under sensitive keys, keeps EMF metric names', async () => {
    const lines = await linesOf(() => logger.info('x', { user_data: { name: 'Ana', email: 'a@b.cl' }, Metrics: [{ Name: 'UpstreamFailure' }] }));
    expect(lines[0]).toMatchObject({ user_data: { name: '[redacted]', email: '[redacted]' }, Metrics: [{ Name: 'UpstreamFailure' }] });
  });
});

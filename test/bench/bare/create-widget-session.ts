// Bare POST /v1/widget-sessions: the same checks, the same GetItem of the caller's order, secret, Spot call,
// iframe-URL checks and answer as ours.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { callerOf, ConfigError, type Detail, email, endpoint, env, fail, isObject, logged, matches, onlyKeys, phone, postJson, readJsonObject, requestIdOf, respond, type Result, rut, secret, text, TOKEN } from './common.ts';
import { getLive, orderItemId } from './payment-state.ts';

const BODY_KEYS = new Set(['order_token', 'patient']);
const PATIENT_KEYS = new Set(['rut', 'first_name', 'last_name', 'email', 'phone_number']);

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const read = readJsonObject(event);
    if (!('ok' in read)) return fail(read.status, read.code, requestId);
    const body = read.ok;
    const problems: Detail[] = [];
    onlyKeys(body, BODY_KEYS, '', problems);
    const orderToken = body.order_token === undefined ? undefined : matches(body.order_token, TOKEN, 'order_token', problems);
    const p = body.patient;
    let patient: Record<string, string | undefined> | undefined;
    if (!isObject(p)) problems.push({ path: 'patient', message: 'expected an object' });
    else {
      onlyKeys(p, PATIENT_KEYS, 'patient', problems);
      const patientRut = rut(p.rut, 'patient.rut', problems);
      patient = {
        rut: patientRut && `${patientRut[0]}-${patientRut[1]}`,
        name: text(p.first_name, 1, 100, 'patient.first_name', problems),
        surname: text(p.last_name, 1, 100, 'patient.last_name', problems),
        email: email(p.email, 'patient.email', problems),
        phone_number: phone(p.phone_number, 'patient.phone_number', problems),
      };
    }
    if (problems.length > 0 || !patient) return fail(400, 'VALIDATION_ERROR', requestId, problems);
    const owner = callerOf(event);
    if (owner === '') return fail(401, 'UNAUTHORIZED', requestId);
    // Only the caller's own order: another clinic's reads like an unknown one.
    if (orderToken !== undefined && !(await getLive(orderItemId(owner, 'skippay', orderToken)))) return fail(404, 'NOT_FOUND', requestId);

    const skip = await secret(env('SKIP_SECRET_ID'), ['SKIP_PUBLIC_KEY', 'SKIPPAY_CLIENT_ID', 'SKIPPAY_CLIENT_SECRET']);
    const publicKey = skip.SKIP_PUBLIC_KEY ?? '';
    const url = endpoint(env('SKIP_BACKEND_URL'), 'spot/widget');
    url.searchParams.set('public_key', publicKey);
    const { rut: patientRut, ...userData } = patient;
    const answer = await postJson('skip-backend', url, { rut: patientRut, user_data: userData, ...(orderToken ? { order_token: orderToken } : {}) }, {}, context, true);
    if (!('ok' in answer)) return fail(answer.status, answer.code, requestId, undefined, 'skip-backend');
    const { widget_token: widgetToken, url: widgetUrl } = answer.ok;
    if (typeof widgetToken !== 'string' || !TOKEN.test(widgetToken) || typeof widgetUrl !== 'string' || widgetUrl.length > 4096 || !URL.canParse(widgetUrl)) {
      return fail(502, 'UPSTREAM_BAD_RESPONSE', requestId, undefined, 'skip-backend');
    }
    const iframe = new URL(widgetUrl);
    const expected = new URL(env('SPOT_WIDGET_URL'));
    const schemeOk = iframe.protocol === 'https:' || (env('STAGE') === 'local' && iframe.protocol === expected.protocol);
    if (!schemeOk || iframe.origin !== expected.origin || iframe.username || iframe.password) {
      return fail(502, 'UPSTREAM_BAD_RESPONSE', requestId, undefined, 'skip-backend');
    }
    if (!iframe.searchParams.has('widget_token')) iframe.searchParams.set('widget_token', widgetToken);
    if (!iframe.searchParams.has('public_key')) iframe.searchParams.set('public_key', publicKey);
    iframe.searchParams.delete('order_token');
    if (orderToken) iframe.searchParams.set('order_token', orderToken);
    return respond(201, { widget_token: widgetToken, iframe_url: iframe.toString(), widget_origin: iframe.origin }, requestId);
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

// The URL a patient's browser will load: built from Skip's answer with the URL API and checked against
// the stage's widget origin before it leaves the server.
import { ApiError } from '../../errors.ts';
import type { Stage } from '../../config/settings.ts';

export interface IframeUrlInput {
  /** Skip's `url`, as returned. */
  widgetUrl: string;
  widgetToken: string;
  publicKey: string;
  orderToken?: string | undefined;
  /** The stage's SPOT_WIDGET_URL. */
  expectedWidgetUrl: string;
  stage: Stage;
}

const badResponse = (reason: string): ApiError => new ApiError('UPSTREAM_BAD_RESPONSE', { upstream: 'skip-backend', reason });

/** The iframe URL and the origin the frontend must match `event.origin` against. */
export const buildIframeUrl = (input: IframeUrlInput): { iframeUrl: string; widgetOrigin: string } => {
  if (!URL.canParse(input.widgetUrl)) throw badResponse('widget url does not parse');
  const url = new URL(input.widgetUrl);
  const expected = new URL(input.expectedWidgetUrl);
  // Only the local sandbox serves its widget over plain http; everywhere else it is https or nothing.
  const schemeOk = url.protocol === 'https:' || (input.stage === 'local' && url.protocol === expected.protocol);
  if (!schemeOk) throw badResponse('widget url is not https');
  if (url.origin !== expected.origin) throw badResponse('widget url outside the stage widget origin');
  if (url.username || url.password) throw badResponse('widget url carries credentials');

  // Skip's URL already carries both; put them back if it ever does not, never duplicate them.
  if (!url.searchParams.has('widget_token')) url.searchParams.set('widget_token', input.widgetToken);
  if (!url.searchParams.has('public_key')) url.searchParams.set('public_key', input.publicKey);
  // Exactly one order_token, ours: set() replaces any Skip put there; without one the widget runs a
  // standard Spot registration, so none may remain.
  url.searchParams.delete('order_token');
  if (input.orderToken) url.searchParams.set('order_token', input.orderToken);
  return { iframeUrl: url.toString(), widgetOrigin: url.origin };
};

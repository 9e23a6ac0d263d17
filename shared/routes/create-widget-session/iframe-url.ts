// The URL a patient's browser will load: Skip's answer checked against the stage's widget origin before it
// leaves the server (as part of the provider call: a URL outside it is the provider's bad answer), then
// built with the URL API.
import type { Stage } from '../../config/settings.ts';

/** Why Skip's widget `url` may not be loaded in this stage (for the log), or undefined when it may. */
export const widgetUrlProblem = (widgetUrl: string, expectedWidgetUrl: string, stage: Stage): string | undefined => {
  if (!URL.canParse(widgetUrl)) return 'widget url does not parse';
  const url = new URL(widgetUrl);
  const expected = new URL(expectedWidgetUrl);
  // Only the local sandbox serves its widget over plain http; everywhere else it is https or nothing.
  const schemeOk = url.protocol === 'https:' || (stage === 'local' && url.protocol === expected.protocol);
  if (!schemeOk) return 'widget url is not https';
  if (url.origin !== expected.origin) return 'widget url outside the stage widget origin';
  if (url.username || url.password) return 'widget url carries credentials';
  return undefined;
};

export interface IframeUrlInput {
  /** Skip's `url`, as returned, once widgetUrlProblem found nothing. */
  widgetUrl: string;
  widgetToken: string;
  publicKey: string;
  orderToken?: string | undefined;
}

/** The iframe URL and the origin the frontend must match `event.origin` against. */
export const buildIframeUrl = (input: IframeUrlInput): { iframeUrl: string; widgetOrigin: string } => {
  const url = new URL(input.widgetUrl);
  // Skip's URL already carries both; put them back if it ever does not, never duplicate them.
  if (!url.searchParams.has('widget_token')) url.searchParams.set('widget_token', input.widgetToken);
  if (!url.searchParams.has('public_key')) url.searchParams.set('public_key', input.publicKey);
  // Exactly one order_token, ours: set() replaces any Skip put there; without one the widget runs a
  // standard Spot registration, so none may remain.
  url.searchParams.delete('order_token');
  if (input.orderToken) url.searchParams.set('order_token', input.orderToken);
  return { iframeUrl: url.toString(), widgetOrigin: url.origin };
};

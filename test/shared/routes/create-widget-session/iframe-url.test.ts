// The iframe URL a patient's browser loads: Skip's answer checked against the stage's widget origin, then
// rebuilt with exactly one order_token, ours.
import { describe, expect, it } from 'vitest';
import { buildIframeUrl, widgetUrlProblem } from '#shared/routes/create-widget-session/iframe-url.ts';

const WIDGET = 'https://widget.getskip.ai/spot';

describe('widgetUrlProblem', () => {
  const cases: { name: string; url: string; stage: 'local' | 'staging' | 'production'; expected?: string; problem: string | undefined }[] = [
    { name: 'the stage widget origin over https', url: `${WIDGET}?widget_token=w`, stage: 'production', problem: undefined },
    { name: 'not a URL', url: 'not a url', stage: 'production', problem: 'widget url does not parse' },
    { name: 'plain http in a deployed stage', url: 'http://widget.getskip.ai/spot', stage: 'staging', expected: 'http://widget.getskip.ai/spot', problem: 'widget url is not https' },
    { name: 'plain http on the local sandbox', url: 'http://127.0.0.1:4010/spot', stage: 'local', expected: 'http://127.0.0.1:4010/spot', problem: undefined },
    { name: 'another origin', url: 'https://evil.example/spot', stage: 'production', problem: 'widget url outside the stage widget origin' },
    { name: 'a lookalike host', url: 'https://widget.getskip.ai.evil.example/spot', stage: 'production', problem: 'widget url outside the stage widget origin' },
    { name: 'credentials in the URL', url: 'https://user:pw@widget.getskip.ai/spot', stage: 'production', problem: 'widget url carries credentials' },
    { name: 'javascript:', url: 'javascript:alert(1)', stage: 'production', problem: 'widget url is not https' },
  ];
  it.each(cases)('$name → $problem', ({ url, stage, expected, problem }) => {
    expect(widgetUrlProblem(url, expected ?? WIDGET, stage)).toBe(problem);
  });
});

describe('buildIframeUrl', () => {
  it('keeps Skip\'s parameters, replaces its order_token with ours, and names the origin to check', () => {
    const { iframeUrl, widgetOrigin } = buildIframeUrl({
      widgetUrl: `${WIDGET}?widget_token=w1&public_key=pk_test_1&order_token=theirs`,
      widgetToken: 'w1',
      publicKey: 'pk_test_1',
      orderToken: 'ours',
    });
    const url = new URL(iframeUrl);
    expect(url.searchParams.getAll('order_token')).toEqual(['ours']);
    expect(url.searchParams.getAll('widget_token')).toEqual(['w1']);
    expect(widgetOrigin).toBe('https://widget.getskip.ai');
  });

  it('adds what Skip left out, and no order_token for a standard Spot registration', () => {
    const url = new URL(buildIframeUrl({ widgetUrl: `${WIDGET}?order_token=theirs`, widgetToken: 'w2', publicKey: 'pk_test_2' }).iframeUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({ widget_token: 'w2', public_key: 'pk_test_2' });
  });
});

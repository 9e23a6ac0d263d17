// The demo clinic page in headless Chromium (Debian's `chromium`, driven by playwright-core): the Skip AAPD
// flow to a recorded payment, the ETpay flow to the sandbox payment page and back to a confirmed payment,
// an injected fault's Spanish error, per-field Spanish reasons, progress while a provider is slow, and no
// horizontal scroll on phones (360-430 px). Screenshots go to test-results/ (a CI artifact, git-ignored).
// Without Chromium the test is skipped on a developer's machine but fails in CI (CI=true), where
// .ci/run installs it: the browser flow must never silently stop being tested.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { setEnvironment } from '../support/env.ts';

// Debian's package; CHROMIUM_PATH points elsewhere (another OS's Chromium or Chrome).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true';
const SKIP = !HAVE_CHROMIUM && !IN_CI;
const RESULTS = new URL('../../test-results/', import.meta.url).pathname;
const STEP_MS = 15_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

if (SKIP) console.warn(`[browser test] skipped: ${CHROMIUM} not found (apt-get install chromium to run it; CI fails without it)`);

describe.skipIf(SKIP)(`demo page in headless Chromium${SKIP ? ` (skipped: no ${CHROMIUM})` : ''}`, () => {
  let server: LocalServer;
  let context: BrowserContext;
  let userDataDir: string;
  let restoreEnvironment: (() => void) | undefined;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs it with apt-get (or set CHROMIUM_PATH)`);
    // FAULT-TIMEOUT answers after the provider deadline: short here, so the progress test waits 1.5 s, not 8.
    restoreEnvironment = setEnvironment({ POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', UPSTREAM_TIMEOUT_MS: '1500' });
    mkdirSync(RESULTS, { recursive: true });
    server = await startLocalServer({ port: 0 });
    // A fresh profile each run: no cache, cookies or service workers from a previous one.
    userDataDir = mkdtempSync(join(tmpdir(), 'clinic-payments-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Containers often have a tiny /dev/shm, which crashes Chromium's renderers.
        '--disable-dev-shm-usage',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    restoreEnvironment?.();
  });

  // The API paths each page called on the server's origin, and whether any request carried a credential.
  const apiCalls = new WeakMap<Page, { paths: string[]; credentialSent: boolean }>();
  /** Issue 17: the page calls only the demo clinic server, never /v1 itself, and holds no credential. */
  const expectClinicServerOnly = (page: Page): void => {
    const calls = apiCalls.get(page);
    expect(calls?.paths.length).toBeGreaterThan(0);
    for (const path of calls?.paths ?? []) expect(path).toMatch(/^\/demo-clinic\/v1\//);
    expect(calls?.credentialSent).toBe(false);
  };

  const demoPage = async (viewport = DESKTOP): Promise<Page> => {
    const page = await context.newPage();
    const calls = { paths: [] as string[], credentialSent: false };
    apiCalls.set(page, calls);
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== server.origin) return;
      if (/\/v1\//.test(url.pathname)) calls.paths.push(url.pathname);
      const headers = request.headers();
      if (headers.authorization !== undefined || /local-secret-/.test(request.postData() ?? '')) calls.credentialSent = true;
    });
    await page.setViewportSize(viewport);
    page.setDefaultTimeout(STEP_MS);
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${server.origin}/`);
    return page;
  };

  it('Skip AAPD: order, widget in the iframe, WIDGET_FORM_READY and the rest of the events, the signed webhook recorded', async () => {
    const page = await demoPage();
    await page.click('#pay-skip');
    await page.waitForSelector('#widget-events li[data-event="WIDGET_FORM_READY"]');
    const src = await page.getAttribute('#widget-container iframe', 'src');
    expect(new URL(src ?? '').origin).toBe(server.standIns.sandbox.origin);
    const widget = page.frameLocator('#widget-container iframe');
    // Painted, not just loaded: a screenshot taken at WIDGET_FORM_READY can catch a blank frame.
    await widget.locator('#widget-form').waitFor({ state: 'visible' });
    await page.locator('#skip').screenshot({ path: `${RESULTS}local-demo-skip-widget.png` });

    await widget.locator('#submit').click();
    await widget.locator('#pay').click();
    await page.waitForSelector('#widget-events li[data-event="WIDGET_PAYMENT_SUCCESS"]');
    const events = await page.locator('#widget-events li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.event));
    expect(events).toEqual(['WIDGET_FORM_READY', 'WIDGET_FORM_MOUNT', 'WIDGET_FORM_SUCCESS', 'WIDGET_PAYMENT_SUCCESS']);
    await page.waitForSelector('#skip-state[data-paid="true"]');
    expect(await page.textContent('#skip-state')).toContain('pagado');
    // Nothing left over from the widget's earlier steps ("El widget de Skip está listo…"), no progress bar.
    expect(await page.textContent('#status')).toBe('');
    expect(await page.isVisible('#progress')).toBe(false);
    await page.screenshot({ path: `${RESULTS}local-demo-skip-paid.png`, fullPage: true });
    expectClinicServerOnly(page);
    await page.close();
  }, 60_000);

  it('ETpay: session, the sandbox payment page, and back to the demo page with a confirmed payment', async () => {
    const page = await demoPage();
    await page.click('#pay-etpay');
    await page.waitForURL((url) => url.href.startsWith(`${server.standIns.sandbox.etpayPaymentUrl}/session/`));
    expect(await page.textContent('h1')).toBe('Pago con ETpay');
    await page.screenshot({ path: `${RESULTS}local-demo-etpay-payment-page.png`, fullPage: true });

    await page.click('#pay');
    await page.waitForURL((url) => url.origin === server.origin);
    await page.waitForSelector('#return-result[data-paid="true"]');
    expect(await page.textContent('#return-message')).toMatch(/^Pago confirmado: orden DEMO-\d+ por \$50\.000\.$/);
    // The one-time result is out of the address bar once used.
    expect(new URL(page.url()).search).toBe('');
    await page.screenshot({ path: `${RESULTS}local-demo-etpay-confirmed.png`, fullPage: true });
    expectClinicServerOnly(page);
    await page.close();
  }, 60_000);

  it('an injected fault (FAULT-503) shows its Spanish error, naming the provider', async () => {
    const page = await demoPage();
    await page.click('.testing summary');
    await page.fill('#reference', 'FAULT-503');
    await page.click('#pay-skip');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error-title')).toBe('No se pudo crear la orden en Skip');
    expect(await page.textContent('#error-message')).toBe(
      'SkipPay (Skip) no está disponible en este momento. Inténtalo de nuevo en unos minutos.',
    );
    expect(await page.textContent('#error-meta')).toMatch(/^Código UPSTREAM_UNAVAILABLE · solicitud \S+$/);
    await page.screenshot({ path: `${RESULTS}local-demo-fault.png`, fullPage: true });
    await page.close();
  }, 60_000);

  it('a validation error says each field\'s reason in Spanish, beside the field, tied to it for screen readers', async () => {
    const page = await demoPage(PHONE);
    await page.fill('#rut', '12.345.678-9');
    await page.fill('#amount', 'cincuenta mil');
    await page.fill('#phone_number', '12345');
    await page.click('#pay-etpay');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error-title')).toBe('No se pudo iniciar el pago con ETpay');
    const details = await page.locator('#error-details li').allTextContents();
    expect(details.sort()).toEqual([
      'Monto: Escribe el monto en pesos, solo con números y sin decimales (por ejemplo 50000).',
      'RUT: El dígito verificador no corresponde a este RUT: revisa el último número (o la K).',
    ]);
    // Beside the field, and its accessible description: a screen reader reads the reason with the field.
    expect(await page.textContent('#rut-error')).toBe('El dígito verificador no corresponde a este RUT: revisa el último número (o la K).');
    expect(await page.getAttribute('#rut', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#rut', 'aria-describedby')).toContain('rut-error');
    expect(await page.isVisible('#amount-error')).toBe(true);
    // Focus moves to the first field to fix; the summary is an alert (announced).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('rut');
    expect(await page.getAttribute('#error', 'role')).toBe('alert');
    await page.screenshot({ path: `${RESULTS}local-demo-phone-field-errors.png`, fullPage: true });

    // The Skip route checks the phone too (ETpay has none): its own Spanish reason.
    await page.fill('#rut', '12.345.678-5');
    await page.fill('#amount', '50000');
    await page.click('#pay-skip');
    await page.waitForSelector('#phone_number-error:not([hidden])');
    expect(await page.textContent('#phone_number-error')).toBe('Escribe un teléfono chileno de 9 dígitos, con o sin +56 (por ejemplo +56 9 1234 5678).');
    expect(await page.isVisible('#rut-error')).toBe(false);
    await page.close();
  }, 60_000);

  it('shows progress while a provider is slow, then its answer (FAULT-TIMEOUT)', async () => {
    const page = await demoPage(PHONE);
    await page.click('.testing summary');
    await page.fill('#reference', 'FAULT-TIMEOUT');
    await page.click('#pay-skip');
    await page.waitForSelector('#progress:not([hidden]) progress');
    expect(await page.textContent('#status')).toBe('Creando la orden en Skip…');
    expect(await page.isDisabled('#pay-skip')).toBe(true);
    expect(await page.getAttribute('#patient-form', 'aria-busy')).toBe('true');
    await page.screenshot({ path: `${RESULTS}local-demo-progress.png`, fullPage: true });
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error-meta')).toMatch(/^Código UPSTREAM_TIMEOUT /);
    expect(await page.isVisible('#progress')).toBe(false);
    expect(await page.isDisabled('#pay-skip')).toBe(false);
    await page.close();
  }, 60_000);

  it.each([360, 390, 430])('has no horizontal scroll on a %i px phone, with errors and the widget open', async (width) => {
    const page = await demoPage({ width, height: 800 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBe(0);
    await page.fill('#rut', '1');
    await page.click('#pay-skip');
    await page.waitForSelector('#error:not([hidden])');
    expect(await overflow()).toBe(0);
    await page.fill('#rut', '12.345.678-5');
    await page.click('#pay-skip');
    await page.waitForSelector('#widget-events li[data-event="WIDGET_FORM_READY"]');
    expect(await overflow()).toBe(0);
    if (width === PHONE.width) await page.screenshot({ path: `${RESULTS}local-demo-phone-widget.png`, fullPage: true });
    await page.close();
  }, 60_000);

  it('payment events: a payment no notification told us of shows up, in Spanish, after "Consultar a los proveedores ahora" (phone)', async () => {
    // Paid at the sandbox without any notification: only reconcile-payments (POST /__reconcile) can learn of it.
    const opened = await fetch(`${server.origin}/demo-clinic/v1/etpay/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ merchant_order_id: 'EV-BROWSER-1', order_amount: 50_000 }),
    });
    expect(opened.status).toBe(201);
    const { token } = (await opened.json()) as { token: string };
    expect((await fetch(`${server.origin}/__sandbox/etpay/sessions/${token}/paid`, { method: 'POST' })).status).toBe(200);

    const page = await demoPage(PHONE);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    // The card's button is styled like the form's second action (not the browser's default button).
    const looks = (selector: string) =>
      page.$eval(selector, (element) => {
        const style = getComputedStyle(element);
        return { background: style.backgroundColor, color: style.color, border: style.borderTopColor, radius: style.borderTopLeftRadius, height: style.minHeight };
      });
    expect(await looks('#run-reconcile')).toEqual(await looks('#pay-etpay'));
    expect(await page.getAttribute('#events', 'aria-labelledby')).toBe('events-title');

    await page.click('#run-reconcile');
    await page.waitForSelector('#reconcile-result:not(:empty)');
    expect(await page.textContent('#reconcile-result')).toMatch(/^Consulta hecha\. ETpay: [1-9]\d* consultados, 1 cambiaron\./);
    const item = page.locator('#payment-events li', { hasText: 'EV-BROWSER-1' });
    await item.waitFor();
    expect(await item.textContent()).toMatch(/^\d{2}:\d{2}:\d{2} · ETpay · EV-BROWSER-1 → pagado \(\$50\.000\)$/);
    expect(await item.getAttribute('data-status')).toBe('paid');
    expect(await page.isVisible('#payment-events-empty')).toBe(false);
    expect(await overflow()).toBe(0);
    await page.locator('#events').screenshot({ path: `${RESULTS}local-demo-phone-events.png` });
    await page.close();
  }, 60_000);

  it.each([
    { name: 'phone', viewport: PHONE },
    { name: 'desktop', viewport: DESKTOP },
  ])('renders at $name width (a screenshot for review)', async ({ name, viewport }) => {
    const page = await demoPage(viewport);
    await page.screenshot({ path: `${RESULTS}local-demo-${name}.png`, fullPage: true });
    await page.close();
  }, 60_000);

  it('renders the API reference at /docs from local files (no network), every operation listed', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    const outside: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== server.origin) outside.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${server.origin}/docs`);
    await page.waitForSelector('.opblock');
    const operations = server.routes.length;
    await page.waitForFunction((count) => document.querySelectorAll('.opblock').length === count, operations);
    expect(outside).toEqual([]);
    await page.screenshot({ path: `${RESULTS}local-docs.png` });
    await page.close();
  }, 60_000);

  it('breaks no Content-Security-Policy rule of the demo page', () => {
    expect(cspViolations).toEqual([]);
  });
});

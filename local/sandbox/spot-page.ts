// The Spot widget page shown inside the clinic's iframe. Self-contained: no external resources.
import type { ServerResponse } from 'node:http';
import { escapeHtml, formatClp, jsonForHtml, randomId, sendHtml } from './http.ts';
import type { SpotWidgetSession } from './http.ts';

/** The events the real widget posts to `window.parent`, as plain strings. */
export const SPOT_WIDGET_EVENTS = [
  'WIDGET_FORM_READY',
  'WIDGET_FORM_MOUNT',
  'WIDGET_FORM_SUCCESS',
  'WIDGET_PAYMENT_SUCCESS',
  'WIDGET_FORM_CLOSE',
] as const;

export interface WidgetPageData {
  widgetToken: string;
  orderToken: string | undefined;
  totalAmount: number | undefined;
  userData: SpotWidgetSession['userData'];
  payPath: string;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; padding: 16px; color: #1d2433; background: #fff; }
header { display: flex; justify-content: space-between; align-items: center; margin-bottom: 12px; }
.badge { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #e8eefc; }
label { display: block; margin: 8px 0 2px; font-size: 14px; }
input { width: 100%; box-sizing: border-box; padding: 6px; }
button { margin-top: 12px; padding: 8px 14px; cursor: pointer; }
.error { color: #b00020; }
`;

// Plain ES5-ish script so it runs in any browser a clinic's patient has.
const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('widget-data').textContent);
  // Prefer the embedding page's exact origin; '*' only when it cannot be known, which is acceptable
  // because the messages are bare event names: the parent's event.origin check is what protects it.
  function parentOrigin() {
    var ancestors = window.location.ancestorOrigins;
    if (ancestors && ancestors.length > 0 && ancestors[0] !== 'null') return ancestors[0];
    try {
      if (document.referrer) {
        var origin = new URL(document.referrer).origin;
        if (origin !== 'null') return origin;
      }
    } catch (e) { /* unparsable referrer: fall through */ }
    return '*';
  }
  var targetOrigin = parentOrigin();
  var log = document.getElementById('events');
  function emit(name) {
    window.parent.postMessage(name, targetOrigin);
    var item = document.createElement('li');
    item.textContent = name + ' \\u2192 ' + targetOrigin;
    log.appendChild(item);
  }
  function show(id) { document.getElementById(id).hidden = false; }
  function hide(id) { document.getElementById(id).hidden = true; }
  var status = document.getElementById('status');

  emit('WIDGET_FORM_READY');
  setTimeout(function () { show('widget-form'); emit('WIDGET_FORM_MOUNT'); }, 0);

  document.getElementById('widget-form').addEventListener('submit', function (event) {
    event.preventDefault();
    hide('widget-form');
    emit('WIDGET_FORM_SUCCESS');
    if (data.orderToken) {
      show('payment');
    } else {
      status.textContent = 'Registro completado. Ya puedes cerrar esta ventana.';
    }
  });

  var payButton = document.getElementById('pay');
  payButton.addEventListener('click', function () {
    payButton.disabled = true;
    status.className = '';
    status.textContent = 'Procesando el pago\\u2026';
    fetch(data.payPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ widget_token: data.widgetToken, order_token: data.orderToken })
    }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      hide('payment');
      status.textContent = 'Pago realizado con éxito.';
      emit('WIDGET_PAYMENT_SUCCESS');
    }).catch(function (error) {
      payButton.disabled = false;
      status.className = 'error';
      status.textContent = 'No se pudo completar el pago (' + error.message + ').';
    });
  });

  document.getElementById('close').addEventListener('click', function () { emit('WIDGET_FORM_CLOSE'); });
})();
`;

function page(title: string, body: string, nonce: string): string {
  return `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function renderWidgetPage(res: ServerResponse, data: WidgetPageData): void {
  const nonce = randomId(16);
  const aapd = data.orderToken !== undefined;
  const mode = aapd ? 'Pago AAPD' : 'Registro estándar Spot';
  const amount = data.totalAmount === undefined ? '' : `<p>Total a pagar: <strong>${escapeHtml(formatClp(data.totalAmount))}</strong></p>`;
  const field = (id: string, label: string, value: string, type = 'text'): string =>
    `<label for="${id}">${label}</label><input id="${id}" name="${id}" type="${type}" value="${escapeHtml(value)}" required>`;
  const body = `
<header><strong>Skip Spot · sandbox</strong><span class="badge" id="mode">${mode}</span></header>
<script type="application/json" id="widget-data">${jsonForHtml({
    widgetToken: data.widgetToken,
    orderToken: data.orderToken ?? null,
    payPath: data.payPath,
  })}</script>
<form id="widget-form" hidden>
  <p>${aapd ? 'Confirma tus datos para pagar con Skip.' : 'Confirma tus datos para registrarte en Spot.'}</p>
  ${field('name', 'Nombre', data.userData.name)}
  ${field('surname', 'Apellido', data.userData.surname)}
  ${field('email', 'Correo electrónico', data.userData.email, 'email')}
  ${field('phone_number', 'Teléfono', data.userData.phone_number, 'tel')}
  <button type="submit" id="submit">Continuar</button>
</form>
<section id="payment" hidden>
  <p>Orden <code>${escapeHtml(data.orderToken ?? '')}</code></p>
  ${amount}
  <button type="button" id="pay">Pagar (simulado)</button>
</section>
<p id="status" role="status"></p>
<button type="button" id="close">Cerrar</button>
<details><summary>Eventos enviados a la página</summary><ul id="events"></ul></details>
<script nonce="${nonce}">${SCRIPT}</script>`;
  sendHtml(res, 200, page(`Skip Spot (sandbox) · ${mode}`, body, nonce), nonce);
}

export function renderWidgetError(res: ServerResponse, status: number, message: string): void {
  const nonce = randomId(16);
  const body = `<header><strong>Skip Spot · sandbox</strong></header><p class="error" id="error">${escapeHtml(message)}</p>`;
  sendHtml(res, status, page('Skip Spot (sandbox) · error', body, nonce), nonce);
}

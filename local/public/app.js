// The demo clinic page: what a clinic frontend does with clinic-payments-api, in plain browser JavaScript.
// Skip: create the order, mint the widget, load it in an iframe and trust only messages from its exact
// origin. ETpay: open a session and send the payer to its payment page; on the way back, confirm the
// signed result with the API (never trust the query string by itself).
'use strict';

(() => {
  const M = window.DEMO_MESSAGES;
  const $ = (id) => document.getElementById(id);
  const clp = new Intl.NumberFormat('es-CL', { style: 'currency', currency: 'CLP' });

  /** An error answer of the API, or a failed connection (`body` undefined). */
  class ApiProblem extends Error {
    constructor(step, status, body) {
      super(step);
      this.step = step;
      this.status = status;
      this.error = body && body.error ? body.error : undefined;
    }
  }

  // The page calls the demo "clinic server" (/demo-clinic/…), which holds the clinic's client credentials
  // and adds the access token: a browser never sees a client secret (README, Authenticating).
  const CLINIC_SERVER = '/demo-clinic';
  const call = async (step, method, path, body) => {
    let response;
    try {
      response = await fetch(`${CLINIC_SERVER}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiProblem(step, 0, undefined);
    }
    const data = await response.json().catch(() => undefined);
    if (!response.ok) throw new ApiProblem(step, response.status, data);
    return data;
  };

  // --- what the page shows ----------------------------------------------------------------------------
  const setStatus = (text) => {
    $('status').textContent = text;
  };

  const clearError = () => {
    $('error').hidden = true;
    $('error-details').replaceChildren();
    for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    for (const note of document.querySelectorAll('.field-error')) {
      note.hidden = true;
      note.textContent = '';
    }
  };

  /** The API's reason (English, for developers) as a sentence a patient understands (`$1` keeps a bound). */
  const reasonOf = (detail) => {
    const rule = M.rules.find(([pattern]) => pattern.test(detail.message));
    return rule ? detail.message.replace(rule[0], rule[1]) : M.fieldProblem;
  };

  /** Each failing field: marked invalid, its reason beside it (tied with aria-describedby), listed above. */
  const showFieldErrors = (details) => {
    const items = details.map((detail) => {
      const field = M.fields[detail.path.split('.').pop()];
      const reason = reasonOf(detail);
      const input = field && field.input ? $(field.input) : undefined;
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        const note = $(`${field.input}-error`);
        note.textContent = reason;
        note.hidden = false;
        // Inside a closed <details> (the testing section) the field would stay out of sight.
        const section = input.closest('details');
        if (section) section.open = true;
      }
      const li = document.createElement('li');
      li.textContent = `${field ? field.label : detail.path}: ${reason}`;
      return li;
    });
    $('error-details').replaceChildren(...items);
    // The first to fix in the order the patient reads the form, not the order the API listed them.
    return document.querySelector('#patient-form [aria-invalid="true"]');
  };

  /** The contract's error in plain Spanish: what failed, why, which provider, and the request id for support. */
  const showError = (problem) => {
    const error = problem.error;
    const provider = error && error.upstream ? M.providers[error.upstream] || M.unknownProvider : M.unknownProvider;
    const sentence = problem.status === 0 ? M.network : (error && M.errors[error.code]) || M.unknownError;
    $('error-title').textContent = M.steps[problem.step] || M.unknownError;
    $('error-message').textContent = sentence.replace('{proveedor}', provider);
    const firstInvalid = showFieldErrors((error && error.details) || []);
    $('error-meta').textContent = error ? `Código ${error.code} · solicitud ${error.request_id}` : '';
    $('error').hidden = false;
    setStatus('');
    // The summary is announced (role="alert"); focus goes where the patient fixes it, whose error is its description.
    if (firstInvalid) firstInvalid.focus();
    else $('error').focus(); // below the form: on a phone it would be out of sight

  };

  // A provider may take up to its deadline (8-10 s): the page says it is waiting, and for how long.
  let ticking;
  const busy = (on) => {
    for (const id of ['pay-skip', 'pay-etpay']) $(id).disabled = on;
    $('patient-form').setAttribute('aria-busy', String(on));
    clearInterval(ticking);
    $('progress').hidden = !on;
    $('progress-note').textContent = '';
    if (!on) return;
    const since = Date.now();
    ticking = setInterval(() => {
      const seconds = Math.round((Date.now() - since) / 1000);
      if (seconds >= 2) $('progress-note').textContent = M.waiting.replace('{segundos}', String(seconds));
    }, 500);
  };

  const run = (task) => async () => {
    clearError();
    busy(true);
    try {
      await task();
    } catch (problem) {
      if (problem instanceof ApiProblem) showError(problem);
      else showError(new ApiProblem('', 500, undefined));
    } finally {
      busy(false);
    }
  };

  // --- the patient form -------------------------------------------------------------------------------
  const form = () => {
    const value = (id) => $(id).value.trim();
    const amount = value('amount').replace(/[.\s$]/g, '');
    return {
      patient: {
        rut: value('rut'),
        first_name: value('first_name'),
        last_name: value('last_name'),
        email: value('email'),
        phone_number: value('phone_number'),
      },
      // A non-number is sent as typed: the API's VALIDATION_ERROR then names the field.
      amount: /^\d+$/.test(amount) ? Number(amount) : amount,
      reference: value('reference'),
    };
  };

  // --- Skip: order → widget → iframe ------------------------------------------------------------------
  let stopListening = () => undefined;

  const addWidgetEvent = (name) => {
    const li = document.createElement('li');
    li.dataset.event = name;
    li.textContent = `${name} · ${M.widgetEvents[name] || 'evento desconocido'}`;
    $('widget-events').append(li);
  };

  const showSkipState = async (orderToken) => {
    try {
      const state = await call('skipState', 'GET', `/v1/payments/skippay/${encodeURIComponent(orderToken)}`);
      $('skip-state').textContent = state.paid
        ? 'Pago con Skip realizado: el servicio de pagos registró el aviso de SkipPay (pagado).'
        : `El servicio de pagos registró el aviso de SkipPay: ${state.status}.`;
      $('skip-state').dataset.paid = String(state.paid);
    } catch (problem) {
      if (problem instanceof ApiProblem && problem.status === 404) {
        $('skip-state').textContent = 'Pago enviado. El servicio de pagos todavía no recibe el aviso de SkipPay para esta orden.';
      } else throw problem;
    }
  };

  const openWidget = (widget, orderToken) => {
    stopListening();
    const iframe = document.createElement('iframe');
    iframe.title = 'Widget de pago de Skip';
    iframe.src = widget.iframe_url;
    const onMessage = (event) => {
      // Only the widget's exact origin, and only our own iframe: any page or extension can post messages.
      if (event.origin !== widget.widget_origin || event.source !== iframe.contentWindow) return;
      if (typeof event.data !== 'string') return;
      addWidgetEvent(event.data);
      if (event.data === 'WIDGET_FORM_READY') setStatus('El widget de Skip está listo: sigue los pasos dentro de él.');
      if (event.data === 'WIDGET_PAYMENT_SUCCESS') {
        // The widget's own step is over: its status line would now be stale.
        setStatus('');
        run(() => showSkipState(orderToken))();
      }
      if (event.data === 'WIDGET_FORM_CLOSE') {
        setStatus('');
        stopListening();
        iframe.remove();
      }
    };
    // Listening before the iframe loads: WIDGET_FORM_READY is posted as soon as the widget starts.
    window.addEventListener('message', onMessage);
    stopListening = () => window.removeEventListener('message', onMessage);
    $('widget-events').replaceChildren();
    $('skip-state').textContent = '';
    delete $('skip-state').dataset.paid;
    $('widget-container').replaceChildren(iframe);
    $('skip').hidden = false;
    $('skip').scrollIntoView({ block: 'start' });
  };

  const payWithSkip = async () => {
    const { patient, amount, reference } = form();
    $('skip').hidden = true;
    setStatus('Creando la orden en Skip…');
    const order = await call('order', 'POST', '/v1/orders', {
      ...(reference ? { reference } : {}),
      total_amount: amount,
      customer: patient,
    });
    setStatus(`Orden ${order.reference} creada. Abriendo el widget de Skip…`);
    const widget = await call('widget', 'POST', '/v1/widget-sessions', { order_token: order.order_token, patient });
    openWidget(widget, order.order_token);
  };

  // --- ETpay: session → payment page → back here with ?jwt= --------------------------------------------
  const payWithEtpay = async () => {
    const { patient, amount, reference } = form();
    setStatus('Creando la sesión de pago en ETpay…');
    const back = `${location.origin}${location.pathname}`;
    const session = await call('etpay', 'POST', '/v1/etpay/sessions', {
      merchant_order_id: reference || `DEMO-${Date.now()}`,
      order_amount: amount,
      customer_email: patient.email,
      user_rut: patient.rut,
      metadata: [{ name: 'Atención', value: 'Consulta médica', show: true }],
      payment_completed_url: `${back}?etpay=completado`,
      payment_cancellation_url: `${back}?etpay=cancelado`,
    });
    if (!session.payment_url) {
      setStatus('Esta etapa no entrega payment_url: la clínica debe usar el widget de ETpay.');
      return;
    }
    $('etpay-link').href = session.payment_url;
    $('etpay').hidden = false;
    setStatus('Redirigiendo a ETpay…');
    location.assign(session.payment_url);
  };

  const confirmEtpayReturn = async () => {
    const params = new URLSearchParams(location.search);
    const jwt = params.get('jwt');
    if (!jwt) return;
    // The signed result is a one-time proof: out of the address bar and the history before anything else.
    history.replaceState(null, '', location.pathname);
    $('return-result').hidden = false;
    $('return-message').textContent = 'Verificando el resultado con el servicio de pagos…';
    try {
      const result = await call('confirm', 'POST', '/v1/etpay/confirmations', { jwt });
      $('return-message').textContent = result.paid
        ? `Pago confirmado: orden ${result.merchant_order_id} por ${clp.format(result.order_amount)}.`
        : `El pago de la orden ${result.merchant_order_id} no se realizó (${result.payment_status === 'cancelled' ? 'cancelado' : result.payment_status}).`;
      $('return-result').dataset.paid = String(result.paid);
    } catch (problem) {
      $('return-message').textContent = params.get('etpay') === 'cancelado' ? 'Cancelaste el pago.' : 'Volviste de ETpay.';
      throw problem;
    }
  };

  $('pay-skip').addEventListener('click', run(payWithSkip));
  $('pay-etpay').addEventListener('click', run(payWithEtpay));
  $('patient-form').addEventListener('submit', (event) => event.preventDefault());
  run(confirmEtpayReturn)();
})();

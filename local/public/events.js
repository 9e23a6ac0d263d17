// Local demo only: the `Payment Status Changed` events the EventBridge stand-in received (GET /__events), as a
// clinic's own systems would get them through a rule, and a button that runs reconcile-payments once
// (POST /__reconcile), which in a stage runs every 5 minutes. Kept apart from app.js, the payment flow.
'use strict';
(() => {
  const list = document.getElementById('payment-events');
  const button = document.getElementById('run-reconcile');
  const note = document.getElementById('reconcile-result');
  if (!list || !button || !note) return;

  const M = window.DEMO_MESSAGES;
  const empty = document.getElementById('payment-events-empty');
  const clp = new Intl.NumberFormat('es-CL', { style: 'currency', currency: 'CLP' });
  const time = new Intl.DateTimeFormat('es-CL', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ''));

  /** One event as the clinic's people would read it: time, provider, order id, status in Spanish, amount. */
  const line = (event) => {
    const { provider, id, status, amount } = event.detail ?? {};
    const when = Number.isNaN(Date.parse(event.time)) ? String(event.time) : time.format(new Date(event.time));
    const word = M?.orderStatuses?.[status] ?? String(status);
    const money = Number.isInteger(amount) ? clp.format(amount) : '';
    return `${when} · ${M?.eventProviders?.[provider] ?? provider} · ${id} → ${word}${money ? ` (${money})` : ''}`;
  };
  const render = (events) => {
    list.replaceChildren(
      ...events.map((event) => {
        const item = document.createElement('li');
        item.dataset.status = String(event.detail?.status ?? '');
        item.textContent = line(event);
        return item;
      }),
    );
    if (empty) empty.hidden = events.length > 0;
  };
  const poll = async () => {
    try {
      const response = await fetch('/__events', { cache: 'no-store' });
      if (response.ok) render((await response.json()).events ?? []);
    } catch {
      // The server stopped: keep what is shown.
    }
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch('/__reconcile', { method: 'POST' });
      if (!response.ok) throw new Error(`reconcile answered ${response.status}`);
      const { summary } = await response.json();
      note.textContent = fill(M.reconcileResult, {
        etpayChecked: summary.etpay.checked,
        etpayChanged: summary.etpay.changed,
        skipChecked: summary.skippay.checked,
        skipChanged: summary.skippay.changed,
      });
      note.dataset.failed = 'false';
      await poll();
    } catch {
      note.textContent = M.reconcileFailed;
      note.dataset.failed = 'true';
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
  void poll();
  setInterval(poll, 3000);
})();

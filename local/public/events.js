// Local demo only: the `Payment Status Changed` events the EventBridge stand-in received (GET /__events), as a
// clinic's own systems would get them through a rule, and a button that runs reconcile-payments once
// (POST /__reconcile), which in a stage runs every 5 minutes. Kept apart from app.js, the payment flow.
'use strict';
(() => {
  const list = document.getElementById('payment-events');
  const button = document.getElementById('run-reconcile');
  const note = document.getElementById('reconcile-result');
  if (!list || !button || !note) return;

  const render = (events) => {
    list.replaceChildren(
      ...events.map((event) => {
        const item = document.createElement('li');
        const { provider, id, status, amount } = event.detail ?? {};
        item.textContent = `${event.time} · ${provider} ${id} → ${status} (${amount} CLP)`;
        return item;
      }),
    );
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
    try {
      const response = await fetch('/__reconcile', { method: 'POST' });
      const { summary } = await response.json();
      note.textContent = `ETpay: ${summary.etpay.checked} consultados, ${summary.etpay.changed} cambiaron · Skip: ${summary.skippay.checked} consultados, ${summary.skippay.changed} cambiaron`;
      await poll();
    } catch {
      note.textContent = 'No se pudo consultar a los proveedores.';
    } finally {
      button.disabled = false;
    }
  });
  void poll();
  setInterval(poll, 3000);
})();

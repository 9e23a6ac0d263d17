// ETpay's payer-facing pages in the sandbox: plain HTML forms, no script, no external resources.
import type { ServerResponse } from 'node:http';
import type { EtpaySession } from './http.ts';
import { escapeHtml, formatClp, randomId, sendHtml } from './http.ts';

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 480px; margin: 40px auto; padding: 0 16px; color: #1d2433; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; }
dt { font-weight: 600; }
form { display: inline-block; margin-right: 8px; }
button { padding: 10px 18px; cursor: pointer; }
code { word-break: break-all; }
`;

function page(title: string, body: string): { html: string; nonce: string } {
  const nonce = randomId(16);
  const html = `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ETpay (sandbox)</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
  return { html, nonce };
}

/** `basePath` is the session's path; the forms POST to `{basePath}/pay` and `{basePath}/cancel`. */
export function renderPaymentPage(res: ServerResponse, session: EtpaySession, basePath: string): void {
  const rows: [string, string][] = [
    ['Orden', session.merchantOrderId],
    ['Monto', formatClp(session.orderAmount)],
    ...session.metadata.filter((item) => item.show).map((item): [string, string] => [item.name, item.value]),
  ];
  if (session.userBankCode !== undefined) rows.push(['Banco', session.userBankCode]);
  if (session.userRut !== undefined) rows.push(['RUT', session.userRut]);
  const list = rows.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n');
  const body = `<p>Transferencia bancaria simulada: no se mueve dinero.</p>
<dl id="summary">
${list}
</dl>
<form method="post" action="${escapeHtml(basePath)}/pay"><button type="submit" id="pay">Pagar</button></form>
<form method="post" action="${escapeHtml(basePath)}/cancel"><button type="submit" id="cancel">Cancelar</button></form>`;
  const { html, nonce } = page('Pago con ETpay', body);
  sendHtml(res, 200, html, nonce);
}

export function renderEtpayMessage(res: ServerResponse, status: number, title: string, message: string, jwt?: string): void {
  const result = jwt === undefined ? '' : `<p>Resultado firmado (JWT):</p><p><code id="jwt">${escapeHtml(jwt)}</code></p>`;
  const { html, nonce } = page(title, `<p id="message">${escapeHtml(message)}</p>${result}`);
  sendHtml(res, status, html, nonce);
}

/** A one-page PDF, so that `terms_url` opens like the real one. Offsets are computed, not hand-counted. */
export function termsPdf(): Buffer {
  const text = 'Terminos y condiciones - ETpay sandbox (documento de prueba)';
  const stream = `BT /F1 14 Tf 50 780 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

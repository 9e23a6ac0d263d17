// The rendered API reference at /docs: Swagger UI from the swagger-ui-dist package, served from node_modules,
// so it works offline and under a strict CSP (no CDN, no inline script). It renders /openapi.json, the same
// document the generator writes.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const DIST_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const INIT_FILE = new URL('./public/docs.js', import.meta.url);

/** The exact files /docs needs; nothing else under node_modules is reachable. */
const FILES: Readonly<Record<string, { path: string | URL; type: string }>> = {
  '/docs/swagger-ui.css': { path: `${DIST_DIR}/swagger-ui.css`, type: 'text/css; charset=utf-8' },
  '/docs/swagger-ui-bundle.js': { path: `${DIST_DIR}/swagger-ui-bundle.js`, type: 'text/javascript; charset=utf-8' },
  '/docs/docs.js': { path: INIT_FILE, type: 'text/javascript; charset=utf-8' },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clinic-payments-api · API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<script src="/docs/swagger-ui-bundle.js" defer></script>
<script src="/docs/docs.js" defer></script>
</head>
<body>
<div id="reference"></div>
</body>
</html>
`;

// Swagger UI sets inline styles and paints icons as data: SVGs; it loads nothing from elsewhere.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const isDocsPath = (pathname: string): boolean => pathname === '/docs' || pathname === '/docs/' || Object.hasOwn(FILES, pathname);

export const docsFile = async (pathname: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> => {
  const entry = FILES[pathname];
  const common = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
  if (!entry) {
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, ...common }, body: Buffer.from(PAGE) };
  }
  return { status: 200, headers: { 'content-type': entry.type, ...common }, body: await readFile(entry.path) };
};

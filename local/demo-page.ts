// The demo clinic page's files (local/public/): a fixed list, so no request path ever reaches the disk.
// Read on each request, so editing the page needs no restart.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/events.js': { file: 'events.js', type: 'text/javascript; charset=utf-8' },
  '/messages.js': { file: 'messages.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export const isDemoFile = (pathname: string): boolean => Object.hasOwn(FILES, pathname);

/**
 * What a clinic page embedding the widget should send too: only its own scripts, only the widget's origin
 * in a frame, calls to its own API. ETpay is a top-level navigation, which CSP does not restrict.
 */
const contentSecurityPolicy = (widgetOrigin: string): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    `frame-src ${widgetOrigin}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

export const demoFile = async (
  pathname: string,
  widgetOrigin: string,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer } | undefined> => {
  const entry = FILES[pathname];
  if (!entry) return undefined;
  const body = await readFile(`${PUBLIC_DIR}${entry.file}`);
  return {
    status: 200,
    headers: {
      'content-type': entry.type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // The ETpay result JWT comes back in this page's URL: a Referer carries the origin only (which the
      // widget needs to address its events), never the query.
      'referrer-policy': 'strict-origin',
      ...(entry.file === 'index.html' ? { 'content-security-policy': contentSecurityPolicy(widgetOrigin) } : {}),
    },
    body,
  };
};

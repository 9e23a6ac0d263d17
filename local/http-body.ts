// One way every local server (the API, the provider sandbox, the AWS stand-ins) reads a request body:
// whole, but never more than its limit, which it answers as "too large" (undefined) instead.
import type { IncomingMessage } from 'node:http';

export const readBody = (req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const readText = async (req: IncomingMessage, maxBytes: number): Promise<string | undefined> =>
  (await readBody(req, maxBytes))?.toString('utf8');

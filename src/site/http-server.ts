import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES } from './form.js';
import type { SiteRequest, SiteResponse } from './page.js';

/**
 * The public site on a local HTTP server (`digest serve`): each request becomes a `SiteRequest`
 * for the same handler the Function URL runs. A body over `MAX_BODY_BYTES` is not read: the
 * handler answers 413 for it.
 */
export async function startSiteServer(
  handle: (request: SiteRequest) => Promise<SiteResponse>,
  options: { host: string; port: number; onError: (error: unknown) => void },
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      try {
        const url = new URL(incoming.url ?? '/', 'http://site.invalid');
        const query: Record<string, string> = {};
        for (const [key, value] of url.searchParams) if (!(key in query)) query[key] = value;
        const response = await handle({
          method: incoming.method ?? 'GET',
          path: url.pathname,
          query,
          body: await readBody(incoming),
          contentType: incoming.headers['content-type'],
          sourceIp: incoming.socket.remoteAddress ?? 'unknown',
        });
        outgoing.writeHead(response.status, response.headers).end(response.body);
      } catch (error) {
        options.onError(error);
        if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        outgoing.end('Something went wrong on our side. Please try again in a moment.');
      }
    })();
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolveListen);
  });
  const { port } = server.address() as AddressInfo;
  const hostName = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostName}:${port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

/**
 * The body as text. Past the cap the rest is drained, not kept, so a flood is never held in
 * memory, and what comes back is only long enough for the handler to refuse it.
 */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? ' '.repeat(MAX_BODY_BYTES + 1) : Buffer.concat(chunks).toString('utf8');
}

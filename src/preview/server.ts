import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StaleIssueFileError } from '../core/digest/steer-actions.js';
import { DigestError } from '../core/errors.js';
import { PREVIEW_PAGE } from './page.js';
import type { PreviewSession } from './session.js';

export interface PreviewServer {
  url: string;
  /** Tells every open page that a new build is ready. */
  notify(): void;
  /** Tells every open page that a build's compatibility or spam report is ready. */
  notifyReports(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

/** A request this server will not act on, with the HTTP status that says why. */
class RefusedRequest extends DigestError {
  override name = 'RefusedRequest';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The preview's HTTP server. It serves a fixed set of routes and never a path from the request
 * (a briefing's source only by the name of a file of the current build, see readBriefingFile),
 * answers only to its own host name (no DNS rebinding), and takes actions (send test, week,
 * steering the issue file) only from its own page (same-origin JSON POSTs: 403 from another
 * origin, 415 for anything but JSON). Downloads are the same read-only content as the
 * frame and the plain-text view, sent as attachments.
 */
export async function startPreviewServer(
  session: PreviewSession,
  options: { host: string; port: number; sendTest: (address: string) => Promise<{ report: string }> },
): Promise<PreviewServer> {
  const listeners = new Set<ServerResponse>();
  let allowedHosts = new Set<string>();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message =
        error instanceof DigestError ? error.message : `unexpected error: ${(error as Error).message}`;
      if (!response.headersSent) json(response, statusOf(error), { error: message });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      response
        .writeHead(421, { 'content-type': 'text/plain' })
        .end('This preview answers only on its own address.');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://preview.invalid');
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        response
          .writeHead(200, {
            ...PAGE_HEADERS,
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy':
              "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-src 'self'; img-src 'self' data: https:; frame-ancestors 'none'",
          })
          .end(PREVIEW_PAGE);
        return;
      case 'GET /api/state':
        json(response, 200, session.state);
        return;
      case 'GET /api/reports':
        json(response, 200, session.reports.current);
        return;
      case 'GET /download/digest.html':
      case 'GET /download/digest.txt': {
        const html = url.pathname.endsWith('.html');
        const body = html ? session.html : session.state.text;
        const issueId = session.state.manifest?.issueId;
        if (body === null || !issueId) {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('No digest for this period.');
          return;
        }
        response
          .writeHead(200, {
            ...PAGE_HEADERS,
            'content-type': `${html ? 'text/html' : 'text/plain'}; charset=utf-8`,
            // An issue id is `2026-W47` (or a name from the issue file): keep the file name plain.
            'content-disposition': `attachment; filename="digest-${issueId.replace(/[^\w.-]/g, '_')}.${html ? 'html' : 'txt'}"`,
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:",
          })
          .end(body);
        return;
      }
      case 'GET /digest.html': {
        const html =
          session.html ??
          '<!doctype html><p style="font-family:sans-serif;color:#6b7280;padding:24px">No digest for this period.</p>';
        // The dark view applies the template's own dark-mode rules whatever the OS setting.
        const body =
          url.searchParams.get('dark') === '1'
            ? html.replaceAll('@media (prefers-color-scheme: dark)', '@media all')
            : html;
        response
          .writeHead(200, {
            ...PAGE_HEADERS,
            'content-type': 'text/html; charset=utf-8',
            // The digest is shown as it will be mailed: no scripts, links open outside the preview.
            'content-security-policy':
              "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'",
          })
          .end(body);
        return;
      }
      case 'GET /events':
        response.writeHead(200, {
          ...PAGE_HEADERS,
          'content-type': 'text/event-stream',
          connection: 'keep-alive',
        });
        response.write(`event: rebuilt\ndata: ${JSON.stringify({ version: session.state.version })}\n\n`);
        listeners.add(response);
        request.on('close', () => listeners.delete(response));
        return;
      case 'GET /api/inspect': {
        const inspected = session.inspect(url.searchParams.get('file') ?? '');
        if (inspected) json(response, 200, inspected);
        else response.writeHead(404, { 'content-type': 'text/plain' }).end('No such briefing in this build.');
        return;
      }
      case 'GET /api/briefing': {
        const briefing = await session.briefingSource(url.searchParams.get('file') ?? '');
        response
          .writeHead(briefing.status, { ...PAGE_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
          .end(briefing.status === 200 ? briefing.text : briefing.message);
        return;
      }
      case 'POST /api/send-test': {
        const { address } = await readJson(request);
        if (typeof address !== 'string') throw new DigestError('give an address to send the test to');
        json(response, 200, await options.sendTest(address));
        return;
      }
      case 'POST /api/issue': {
        // Answered once the issue file is written and the page's next build is ready.
        json(response, 200, await session.steer(await readJson(request)));
        return;
      }
      case 'POST /api/week': {
        const { week } = await readJson(request);
        await session.setWeek(String(week));
        json(response, 200, { week: session.state.week });
        return;
      }
      default:
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  }

  async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
    // Only the preview page itself may act: a JSON body (a cross-site form cannot send one) from our own origin.
    const origin = request.headers.origin;
    // The page is served over plain http: any other scheme is another origin.
    if (origin && !(origin.startsWith('http://') && allowedHosts.has(origin.slice('http://'.length))))
      throw new RefusedRequest(403, 'this action is only available from the preview page');
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json')
      throw new RefusedRequest(415, 'this action takes JSON: use the preview page');
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new RefusedRequest(413, 'request too large');
      chunks.push(chunk as Buffer);
    }
    let value: unknown;
    try {
      value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new DigestError('the request is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new DigestError('the request must be a JSON object: use the preview page');
    return value as Record<string, unknown>;
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolveListen);
  });
  const { port } = server.address() as AddressInfo;
  const hostName = options.host.includes(':') ? `[${options.host}]` : options.host;
  allowedHosts = new Set([`${hostName}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);

  const heartbeat = setInterval(() => {
    for (const listener of listeners) listener.write(': keep-alive\n\n');
  }, 15_000);
  return {
    url: `http://${hostName}:${port}/`,
    notify: () => {
      for (const listener of listeners)
        listener.write(`event: rebuilt\ndata: ${JSON.stringify({ version: session.state.version })}\n\n`);
    },
    notifyReports: () => {
      for (const listener of listeners)
        listener.write(
          `event: reports\ndata: ${JSON.stringify({ build: session.reports.current.version })}\n\n`,
        );
    },
    close: async () => {
      clearInterval(heartbeat);
      for (const listener of listeners) listener.end();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

function statusOf(error: unknown): number {
  if (error instanceof RefusedRequest) return error.status;
  if (error instanceof StaleIssueFileError) return 409;
  return error instanceof DigestError ? 400 : 500;
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response
    .writeHead(status, { ...PAGE_HEADERS, 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(value));
}

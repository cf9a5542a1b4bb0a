import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

type UrlHandler = (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;

export interface LocalFunctionUrl {
  url: string;
  /** Requests the handler threw on (a Function URL answers those with 502). */
  failures: unknown[];
  close(): Promise<void>;
}

/**
 * A Lambda Function URL on 127.0.0.1: each HTTP request becomes a payload-2.0 event, as AWS
 * builds it (raw path and query kept, parameters decoded, header names in lower case, a body
 * that is not text base64-encoded), and a handler that throws answers 502.
 */
export async function startFunctionUrl(handler: UrlHandler): Promise<LocalFunctionUrl> {
  const failures: unknown[] = [];
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const [rawPath = '/', rawQueryString = ''] = (incoming.url ?? '/').split(/\?(.*)/s);
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).map(([name, value]) => [name, [value].flat().join(',')]),
    );
    const text = /^(text\/|application\/json)/.test(headers['content-type'] ?? '');
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString,
      queryStringParameters: rawQueryString
        ? Object.fromEntries(new URLSearchParams(rawQueryString))
        : undefined,
      headers,
      requestContext: {
        domainName: headers.host,
        http: {
          method: incoming.method ?? 'GET',
          path: rawPath,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
      },
      body: body.length ? body.toString(text ? 'utf8' : 'base64') : undefined,
      isBase64Encoded: body.length > 0 && !text,
    } as unknown as LambdaFunctionURLEvent;
    try {
      const answer = await handler(event);
      // A handler may return a bare string (a 200 body); ours return the structured form.
      const result = typeof answer === 'string' ? { statusCode: 200, body: answer } : answer;
      outgoing.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>).end(result.body);
    } catch (error) {
      failures.push(error);
      outgoing
        .writeHead(502, { 'content-type': 'application/json' })
        .end('{"Message":"Internal Server Error"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A request with the path exactly as given (fetch would normalise `/..` and friends). */
export function rawRequest(
  base: string,
  options: { method?: string; path: string; body?: string; contentType?: string },
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.contentType ? { 'content-type': options.contentType } : {},
      },
      async (response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

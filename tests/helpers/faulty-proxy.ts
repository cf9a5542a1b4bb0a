import { connect, createServer, type Socket } from 'node:net';

/**
 * A real TCP proxy in front of a local server, for faults that happen on the network: it
 * forwards every request, and then, as configured, drops the client's connection instead of
 * passing the answer on (the server did the work; the client never hears), or never answers.
 */
export interface FaultyProxy {
  endpoint: string;
  /** Answers the server gave that the client never received. */
  readonly dropped: number;
  /** Answers passed on. */
  readonly answered: number;
  close(): Promise<void>;
}

export interface Faults {
  /** Drop every n-th answer (1-based count over the proxy's life). */
  dropEvery?: number;
  /** Forward requests but never answer, keeping the connection open. */
  stall?: boolean;
}

export async function startFaultyProxy(upstream: string, faults: Faults): Promise<FaultyProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let responses = 0;
  let dropped = 0;
  let answered = 0;
  const server = createServer((client) => {
    const server = connect(Number(target.port), target.hostname);
    sockets.add(client).add(server);
    client.on('close', () => sockets.delete(client));
    server.on('close', () => sockets.delete(server));
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
    client.pipe(server);
    server.on('data', (chunk: Buffer) => {
      if (faults.stall) return;
      // Without pipelining, an answer starts each time the server starts one.
      if (chunk.subarray(0, 7).toString('latin1') === 'HTTP/1.') {
        responses++;
        if (faults.dropEvery && responses % faults.dropEvery === 0) {
          dropped++;
          client.resetAndDestroy();
          server.destroy();
          return;
        }
        answered++;
      }
      client.write(chunk);
    });
    server.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get dropped() {
      return dropped;
    },
    get answered() {
      return answered;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An address where nothing listens: connections are refused. */
export async function refusingEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

import { join } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { startServerProcess } from './processes.js';

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export interface LocalSes {
  endpoint: string;
  /** A client with captured raw messages (the local server drops custom headers, so tests read them here). */
  client: SESClient;
  captured: Buffer[];
  emails: () => Promise<StoredEmail[]>;
  clear: () => Promise<void>;
  close: () => Promise<void>;
}

/** aws-ses-v2-local on 127.0.0.1 with an ephemeral port, in its own process. */
export async function startLocalSes(): Promise<LocalSes> {
  const server = await startServerProcess(join(import.meta.dirname, 'ses-process.mjs'));
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new SESClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const captured: Buffer[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = (args as { input?: { RawMessage?: { Data?: Uint8Array } } }).input;
      if (input?.RawMessage?.Data) captured.push(Buffer.from(input.RawMessage.Data));
      return next(args);
    },
    { step: 'initialize', name: 'captureRawMessage' },
  );
  return {
    endpoint,
    client,
    captured,
    emails: async () =>
      ((await (await fetch(`${endpoint}/store`)).json()) as { emails: StoredEmail[] }).emails,
    clear: async () => {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    close: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

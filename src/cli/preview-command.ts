import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { DigestError } from '../core/errors.js';
import { startPreviewServer } from '../preview/server.js';
import { PreviewSession } from '../preview/session.js';
import type { Settings } from '../settings/settings.js';
import { sendTestMessage } from '../workflows/test-message.js';

export function describePreview(program: Command): Command {
  return program
    .command('preview')
    .summary('preview the coming digest in the browser, live as briefings and templates change')
    .description(
      'Serves a live preview of the digest on 127.0.0.1: desktop, mobile and dark views, plain text, HTML source, ' +
        'the manifest, checks, skipped files and a "send test" button. Saving a briefing or template updates the page.',
    )
    .option('--source <dir|s3://bucket/prefix>', 'where the briefings are (default: briefings); S3 is polled')
    .option('--week <YYYY-Www|latest>', 'the week to show first (default: latest)')
    .option('--templates <dir>', 'templates that replace the bundled ones, file by file')
    .option('--port <n>', 'port to listen on (default: 3000; 0 picks a free one)')
    .option('--host <address>', 'address to listen on (default: 127.0.0.1, this machine only)')
    .option('--open', 'open the preview in the default browser')
    .option('--poll <seconds>', 'how often to look for changes in S3 (default: 5)')
    .option('--outbox <file:dir|ses>', 'where "send test" delivers (default: file:<digest>/outbox)')
    .option('--time-zone <zone>', 'IANA time zone for weeks and dates (default: UTC)');
}

/** Starts the preview and keeps it running until the process is stopped. */
export async function runPreview(
  settings: Settings,
  out: (text: string) => void,
): Promise<{ url: string; stop: () => Promise<void> }> {
  let notify = () => {};
  const session = new PreviewSession(settings, () => notify(), { pollSeconds: settings.poll });
  await session.start();
  const server = await startPreviewServer(session, {
    host: settings.host,
    port: settings.port,
    sendTest: async (address) => {
      if (!session.issue) throw new DigestError('there is no digest for this period to send');
      return sendTestMessage(settings, session.issue, address);
    },
  }).catch((error: NodeJS.ErrnoException) => {
    session.stop();
    if (error.code === 'EADDRINUSE')
      throw new DigestError(`port ${settings.port} is in use: pick another with --port`);
    throw error;
  });
  notify = server.notify;
  out(
    `Preview of ${settings.source} at ${server.url} (Ctrl-C to stop). Saving a briefing or template updates the page.`,
  );
  if (settings.open)
    spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [server.url], {
      stdio: 'ignore',
      detached: true,
    })
      .on('error', () => {})
      .unref();
  return {
    url: server.url,
    stop: async () => {
      session.stop();
      await server.close();
    },
  };
}

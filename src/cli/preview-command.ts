import { spawn } from 'node:child_process';
import { DigestError } from '../core/errors.js';
import { startPreviewServer } from '../preview/server.js';
import { PreviewSession } from '../preview/session.js';
import type { Settings } from '../settings/settings.js';
import { sendTestMessage } from '../workflows/test-message.js';

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
    port: settings.port ?? 3000,
    sendTest: async (address) => {
      if (!session.issue) throw new DigestError('there is no digest for this period to send');
      return sendTestMessage(settings, session.issue, address);
    },
  }).catch((error: NodeJS.ErrnoException) => {
    session.stop();
    if (error.code === 'EADDRINUSE')
      throw new DigestError(`port ${settings.port ?? 3000} is in use: pick another with --port`);
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

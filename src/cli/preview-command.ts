import { spawn } from 'node:child_process';
import { DigestError } from '../core/errors.js';
import { startPreviewServer } from '../preview/server.js';
import { PreviewSession, type PreviewSessionOptions, type PreviewState } from '../preview/session.js';
import type { Settings } from '../settings/settings.js';
import { sendTestMessage } from '../workflows/test-message.js';

/**
 * Starts the preview and keeps it running until the process is stopped. A build error (a bad
 * --source or --week, a broken template) shows in the page and, once per new error, as one line
 * on `err`; so does a --week with nothing in it.
 */
export async function runPreview(
  settings: Settings,
  out: (text: string) => void,
  err: (text: string) => void = () => {},
  options: Pick<PreviewSessionOptions, 'reportDelayMs' | 'spamPath'> = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  let notify = () => {};
  let notifyReports = () => {};
  let reported = '';
  const session = new PreviewSession(
    settings,
    (state) => {
      const message = state.error ? state.error.message.replace(/\s*\n\s*/g, ' ') : '';
      if (message && message !== reported) err(`digest: ${message}`);
      reported = message;
      notify();
    },
    { pollSeconds: settings.poll, onReports: () => notifyReports(), ...options },
  );
  await session.start();
  const empty = emptyWeek(session.state);
  if (empty) err(`digest: ${empty}`);
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
  notifyReports = server.notifyReports;
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

/** A week asked for by name that has nothing to show, said with the weeks that do. */
function emptyWeek(state: PreviewState): string | undefined {
  if (state.error || state.week === 'latest' || !state.manifest || state.manifest.items.length > 0)
    return undefined;
  const others = state.weeks.slice(0, 3).join(', ');
  return `${state.week} has no briefings to show${others ? ` (weeks with briefings: ${others}${state.weeks.length > 3 ? ', …' : ''})` : ''}: pick a week in the page or with --week`;
}

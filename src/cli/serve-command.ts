import { folderArchive } from '../adapters/archive-fs.js';
import { MemoryRateLimiter } from '../adapters/rate-limit-memory.js';
import { maskAddress } from '../core/delivery/address.js';
import { DigestError } from '../core/errors.js';
import { DEVELOPMENT_SECRET, type Settings } from '../settings/settings.js';
import { openOutbox, openSubscriberStore } from '../settings/stores.js';
import { startSiteServer } from '../site/http-server.js';
import { handleSiteRequest, type SitePorts } from '../site/router.js';
import { confirmationMail } from '../workflows/confirmation-mail.js';
import { unsubscribeAddress } from '../workflows/sign-up.js';

/** `digest serve` listens here unless --port says otherwise (the preview has 3000). */
export const SITE_PORT = 3001;

/**
 * The list's public site on this machine, against the same stores as `digest send`: sign-ups go
 * to --subscribers, confirmation messages to --outbox (its `confirmations/` folder for files), and
 * links in them start with --base-url. Runs until stopped.
 */
export async function runServe(
  settings: Settings,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const store = await openSubscriberStore(settings);
  const { outbox, label } = await openOutbox(settings, 'confirmation');
  const port = settings.port ?? SITE_PORT;
  let baseUrl = settings.baseUrl?.replace(/\/$/, '');
  const log = (message: string, details: Record<string, unknown>) => {
    const who = typeof details.recipient === 'string' ? ` ${details.recipient}` : '';
    out(`${new Date().toISOString()} ${message}${who}`);
  };
  const ports: SitePorts = {
    secret: async () => settings.unsubscribeSecret ?? DEVELOPMENT_SECRET,
    listId: settings.listId,
    newsletterName: settings.newsletterName,
    store,
    limiter: new MemoryRateLimiter(),
    confirmUrl: (token) => `${baseUrl}/confirm?t=${encodeURIComponent(token)}`,
    sendConfirmation: confirmationMail(outbox, {
      from: settings.from,
      ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
      newsletterName: settings.newsletterName,
    }),
    now: () => new Date(),
    log,
    unsubscribe: async (email) => {
      const done = await unsubscribeAddress(email, { store, now: () => new Date() });
      log(
        done ? 'Unsubscribed' : 'Unsubscribe of an address not on the list, or suppressed: nothing changed',
        {
          recipient: maskAddress(email),
        },
      );
    },
    get siteUrl() {
      return baseUrl ?? '';
    },
    timeZone: settings.timeZone,
    archive: folderArchive(settings.archive, {
      onIndexProblem: (problem) => {
        if (problem.reason !== 'missing') err(`digest: ${problem.message}`);
      },
    }),
  };
  const server = await startSiteServer((request) => handleSiteRequest(request, ports), {
    host: settings.host,
    port,
    onError: (error) => err(`digest: a request failed: ${(error as Error).message}`),
  }).catch(async (error: NodeJS.ErrnoException) => {
    await store.close();
    if (error.code === 'EADDRINUSE')
      throw new DigestError(`port ${port} is in use: pick another with --port`);
    throw error;
  });
  baseUrl ??= server.url;
  out(
    [
      `The list's public site at ${server.url} (Ctrl-C to stop); links in messages start with ${baseUrl}.`,
      `  sign up        ${server.url}/subscribe`,
      `  past issues    ${server.url}/archive/`,
      `  Atom feed      ${server.url}/feed.xml`,
      `  subscribers in ${settings.subscribers}; confirmation messages to ${label}; past issues from ${settings.archive}`,
    ].join('\n'),
  );
  return {
    url: server.url,
    stop: async () => {
      await server.close();
      await store.close();
      await outbox.close?.();
    },
  };
}

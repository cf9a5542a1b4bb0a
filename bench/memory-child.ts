// Streams a subscriber CSV through the send path (or only reads it, for the baseline) and prints
// the process's peak RSS. Runs in its own process so the figure is this work's alone.
import { CsvSubscriberStore } from '../src/adapters/subscribers-csv.js';
import { deliverIssue } from '../src/core/delivery/deliver.js';
import type { ClaimResult, DeliveryLedger, LedgerRecord } from '../src/core/delivery/ledger.js';
import { newPlaceholders } from '../src/core/render/view.js';

const [mode = 'read', path = ''] = process.argv.slice(2);

/** Keeps no records: this measures streaming, not the ledger (whose LevelDB cache is bounded). */
class DiscardingLedger implements DeliveryLedger {
  async claim(): Promise<ClaimResult> {
    return { claimed: true };
  }
  async reclaim() {
    return false;
  }
  async markSent() {}
  async markFailed() {}
  async release() {}
  async get(): Promise<LedgerRecord | undefined> {
    return undefined;
  }
  async *records(): AsyncIterable<LedgerRecord> {}
  async close() {}
}

const PLACEHOLDERS = newPlaceholders();
let count = 0;
const store = new CsvSubscriberStore(path);
if (mode === 'read') {
  for await (const subscriber of store.all()) if (subscriber.status === 'active') count++;
} else {
  const summary = await deliverIssue(
    {
      issueId: '2026-W47',
      subject: 'Week 47: a small issue',
      template: {
        html: `<p>Copper output slipped.</p><a href="${PLACEHOLDERS.unsubscribeUrl}">Unsubscribe</a>`,
        text: `Copper output slipped.\n${PLACEHOLDERS.unsubscribeUrl}\n`,
        placeholders: PLACEHOLDERS,
      },
      viewInBrowserUrl: 'https://metals.example/archive/2026-W47',
    },
    store.all(),
    {
      identity: {
        from: 'Metals <news@metals.example>',
        listId: 'weekly.metals.example',
        newsletterName: 'Metals',
        unsubscribeUrl: 'https://metals.example/u',
        unsubscribeMailto: 'u@metals.example',
      },
      unsubscribeSecret: 'bench-secret-of-enough-length',
      ledger: new DiscardingLedger(),
      outbox: {
        destination: 'memory:counting',
        send: async (message) => {
          count++;
          return { messageId: message.messageId };
        },
      },
      rateLimit: async () => {},
      concurrency: 64,
    },
  );
  if (summary.sent !== count) throw new Error('counts differ');
}
process.stdout.write(`${JSON.stringify({ count, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);

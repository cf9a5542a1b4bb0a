import { maskAddress, normalizeAddress } from '../core/delivery/address.js';
import type { Issue } from '../core/delivery/deliver.js';
import { createMessageFactory } from '../core/delivery/message-template.js';
import { DigestError, UsageError } from '../core/errors.js';
import { messageContext, type Settings } from '../settings/settings.js';
import { openOutbox } from '../settings/stores.js';

/**
 * Sends one `[Test]` copy of the issue to an address through the configured outbox (a file
 * outbox's `test/` folder); the ledger is not touched. With --dry-run the message is made and
 * nothing is sent. Used by `digest send --test` and by the preview's "Send test" button.
 */
export async function sendTestMessage(
  settings: Settings,
  issue: Issue,
  address: string,
): Promise<{ report: string; messageId: string }> {
  const normalized = normalizeAddress(address);
  if (!normalized.ok) throw new UsageError(`test address: ${normalized.reason}`);
  const masked = maskAddress(normalized.email);
  const makeMessage = await createMessageFactory(
    { ...issue, subject: `[Test] ${issue.subject}` },
    messageContext(settings),
  );
  const message = await makeMessage(normalized.email);
  if (settings.dryRun) {
    return {
      messageId: message.messageId,
      report: `Dry run: a test message for ${issue.issueId} to ${masked} was made (${message.raw.length.toLocaleString('en')} bytes) and not sent.`,
    };
  }
  const { outbox, label } = await openOutbox(settings, 'test');
  try {
    const { messageId } = await outbox.send(message);
    return {
      messageId,
      report: `Test message for ${issue.issueId} sent to ${masked} through ${label} (message id ${messageId}). The ledger was not touched.`,
    };
  } catch (error) {
    throw new DigestError(`test message to ${masked} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await outbox.close?.();
  }
}

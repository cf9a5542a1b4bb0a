import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Outbox, OutgoingMessage } from '../core/delivery/outbox.js';
import { writeFileAtomic } from './fs-output.js';

/**
 * The local outbox: one `.eml` file per message in a folder, which any mail program opens.
 * File names come from the address but can never leave the folder or collide: unsafe
 * characters are replaced and a hash of the whole address is added.
 */
export class FileOutbox implements Outbox {
  private ready: Promise<unknown> | undefined;

  readonly destination: string;

  /**
   * `perMessage`: one file per message rather than per address, for mail an address may get more
   * than once (sign-up confirmations): the name also carries a hash of the Message-ID, so a
   * second message never replaces the first.
   */
  constructor(
    readonly folder: string,
    private readonly options: { perMessage?: boolean } = {},
  ) {
    this.destination = `file:${resolve(folder)}`;
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    this.ready ??= mkdir(this.folder, { recursive: true });
    await this.ready;
    await writeFileAtomic(join(this.folder, this.fileNameOf(message)), message.raw);
    return { messageId: message.messageId };
  }

  private fileNameOf(message: OutgoingMessage): string {
    return this.options.perMessage ? emlFileName(message.to, message.messageId) : emlFileName(message.to);
  }

  /**
   * Files are written whole (temp file, then rename), so a file with this message's Message-ID
   * means it was delivered; none means it never was.
   */
  async confirm(message: OutgoingMessage): Promise<boolean> {
    const written = await readFile(join(this.folder, this.fileNameOf(message)), 'latin1').catch(() => '');
    const headers = written.slice(0, written.indexOf('\r\n\r\n'));
    return new RegExp(`^Message-ID: ${escapeRegExp(message.messageId)}\r?$`, 'im').test(headers);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `ana.silva@example.org` → `ana.silva_at_example.org-1f2e3d4c.eml`; with a Message-ID,
 * `ana.silva_at_example.org-1f2e3d4c-9a8b7c6d.eml`.
 */
export function emlFileName(address: string, messageId?: string): string {
  const readable = address
    .replace('@', '_at_')
    .replace(/[^A-Za-z0-9._+-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 80);
  const hash = createHash('sha256').update(address).digest('hex').slice(0, 8);
  const message = messageId ? `-${createHash('sha256').update(messageId).digest('hex').slice(0, 8)}` : '';
  return `${readable}-${hash}${message}.eml`;
}

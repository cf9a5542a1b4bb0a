/** A subscriber as every store keeps it. Only `active` subscribers get mail. */
export const SUBSCRIBER_STATUSES = ['active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/**
 * Reads a status as a store holds it (any case). A status this version does not know — a later
 * version's, or a hand-edited `paused` — comes back `undefined`, and such an address is
 * suppressed: stores keep it as they found it and never hand it out as a `Subscriber`, so it gets
 * no mail; an import leaves it alone (`kept-suppressed`); only an explicit `setStatus` (a
 * confirmation or an unsubscribe) gives it a known status again.
 *
 * @example
 * knownStatus('Bounced') // 'bounced'
 * knownStatus('paused') // undefined: suppressed
 */
export function knownStatus(value: unknown): SubscriberStatus | undefined {
  if (typeof value !== 'string') return undefined;
  const status = value.trim().toLowerCase();
  return SUBSCRIBER_STATUSES.find((known) => known === status);
}

/**
 * Why a stored status is not used, for reports: the status is shown only when it is a plain word,
 * so a misplaced address in the status column is never printed.
 */
export function unknownStatusReason(value: string): string {
  const shown = /^[\p{L}\p{N}_ -]{1,32}$/u.test(value.trim())
    ? `status "${value.trim()}"`
    : 'the status cell';
  return `${shown} is not one of ${SUBSCRIBER_STATUSES.join(', ')}`;
}

export interface Subscriber {
  /** Normalised address; the key. */
  email: string;
  status: SubscriberStatus;
  name?: string;
  createdAt: string;
  updatedAt: string;
}

/** One row of an import, after validation. */
export interface ImportRow {
  email: string;
  name?: string;
  /** A status given in the file (e.g. a list moved from another service); default active. */
  status?: SubscriberStatus;
}

export type ImportOutcome = 'added' | 'updated' | 'unchanged' | 'kept-suppressed';

/**
 * What an import does to one address. A new address is added; an existing one keeps its status
 * unless the file suppresses it, so a re-import never brings back someone who unsubscribed,
 * bounced or complained. (An address stored with a status this version does not know never
 * reaches here: stores answer `kept-suppressed` for it; see `knownStatus`.)
 */
export function mergeImport(
  existing: Subscriber | undefined,
  row: ImportRow,
  now: string,
): { subscriber: Subscriber; outcome: ImportOutcome } {
  if (!existing) {
    return {
      subscriber: {
        email: row.email,
        status: row.status ?? 'active',
        ...(row.name ? { name: row.name } : {}),
        createdAt: now,
        updatedAt: now,
      },
      outcome: 'added',
    };
  }
  if (existing.status !== 'active') return { subscriber: existing, outcome: 'kept-suppressed' };
  const status = row.status && row.status !== 'active' ? row.status : existing.status;
  const name = row.name ?? existing.name;
  if (status === existing.status && name === existing.name)
    return { subscriber: existing, outcome: 'unchanged' };
  return {
    subscriber: { ...existing, status, ...(name ? { name } : {}), updatedAt: now },
    outcome: 'updated',
  };
}

/** The store every command and the sender use: a local CSV file or a DynamoDB table. */
export interface SubscriberStore {
  /** Every subscriber, streamed (a million-address list is never in memory at once). */
  all(): AsyncIterable<Subscriber>;
  get(email: string): Promise<Subscriber | undefined>;
  /** Adds or merges rows as `mergeImport` says; reports each row's outcome. */
  importRows(
    rows: AsyncIterable<ImportRow>,
    onOutcome: (row: ImportRow, outcome: ImportOutcome) => void,
  ): Promise<void>;
  /** Sets the status of an existing subscriber; false when there is none. */
  setStatus(email: string, status: SubscriberStatus, now: string): Promise<boolean>;
  close(): Promise<void>;
}

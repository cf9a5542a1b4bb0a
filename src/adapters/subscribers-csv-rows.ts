// The rows of the CSV subscriber store: how a line of the file becomes a row the store can use (or
// holds as it is), and how rows become lines again.
import { maskAddress, normalizeAddress } from '../core/delivery/address.js';
import {
  isForgottenKey,
  knownStatus,
  type Subscriber,
  type SubscriberStatus,
  unknownStatusReason,
} from '../core/delivery/subscriber.js';
import { DigestError } from '../core/errors.js';
import { type CsvRecord, csvLine, readCsvRecords } from './csv.js';

export const COLUMNS = ['email', 'status', 'name', 'created_at', 'updated_at'] as const;
export type Column = (typeof COLUMNS)[number];
/**
 * A pending sign-up's confirmation link (its nonce), when it was sent, and, for a sign-up that may
 * be purged (see `mayPurgeSignup`), when its confirmation expires. A file gets these columns only
 * when the first confirmation is written, so a list that never takes sign-ups keeps its five
 * columns (and files written before them read as they always did).
 */
export const CONFIRMATION_COLUMNS = ['confirm_nonce', 'confirm_sent_at', 'pending_expires_at'] as const;
export type ConfirmationColumn = (typeof CONFIRMATION_COLUMNS)[number];

/** Where each column is: the file's own header, with any missing known column added at its end. */
export interface Layout {
  header: string[];
  /** How many columns the file's header has (rows with more are broken). */
  fileColumns: number;
  at: Record<Column, number> & Partial<Record<ConfirmationColumn, number>>;
  /** The header has columns this store does not know: rows keep their cells, to write them back. */
  keepsCells: boolean;
}

export const NEW_FILE: Layout = {
  header: [...COLUMNS],
  fileColumns: COLUMNS.length,
  at: { email: 0, status: 1, name: 2, created_at: 3, updated_at: 4 },
  keepsCells: false,
};

/**
 * A row of the file between reading and writing. A subscriber row keeps the cells it was read
 * from, so columns this store does not know survive a rewrite. A held row is one the store cannot
 * use — broken quoting, too many cells, no valid address, or a status this version does not know
 * (then `cells` is kept too): it is written back exactly as it was read, never handed out, so
 * never mailed, and its address (when one can be read) counts as suppressed.
 */
export type StoreRow =
  | {
      kind: 'subscriber';
      subscriber: Subscriber;
      cells: string[];
      /** A pending sign-up that may be purged: when its confirmation expires. */
      expiresAt?: string;
    }
  | { kind: 'held'; line: number; raw: string; reason: string; email?: string; cells?: string[] };

export function addressOf(row: StoreRow): string | undefined {
  return row.kind === 'subscriber' ? row.subscriber.email : row.email;
}

export function layoutOf(header: CsvRecord, path: string): Layout {
  const names = header.cells?.map((name) => name.trim().toLowerCase()) ?? [];
  if (!names.includes('email')) {
    throw new DigestError(
      `${path}: the first line must be a header with an "email" column: add one, like ${NEW_FILE.header.join(',')}`,
    );
  }
  const columns = [...(header.cells ?? [])];
  const at = {} as Layout['at'];
  for (const column of COLUMNS) {
    const found = names.indexOf(column);
    at[column] = found === -1 ? columns.push(column) - 1 : found;
  }
  for (const column of CONFIRMATION_COLUMNS) if (names.includes(column)) at[column] = names.indexOf(column);
  const known: readonly string[] = [...COLUMNS, ...CONFIRMATION_COLUMNS];
  return {
    header: columns,
    fileColumns: names.length,
    at,
    keepsCells: names.some((name) => !known.includes(name)),
  };
}

/** The layout with the confirmation columns, added at its end when the file has none yet. */
export function withConfirmationColumns(layout: Layout): Layout {
  if (CONFIRMATION_COLUMNS.every((column) => layout.at[column] !== undefined)) return layout;
  const header = [...layout.header];
  const at = { ...layout.at };
  for (const column of CONFIRMATION_COLUMNS) at[column] ??= header.push(column) - 1;
  return { ...layout, header, at };
}

/**
 * A header without all known columns gets them at its end when the file is rewritten. A row with
 * more cells than the old header would then be read differently (its extra cells taken for the
 * new columns), so before that happens such a row has to be fixed by hand.
 */
export async function checkHeaderCanGrow(path: string, layout: Layout): Promise<void> {
  if (layout.header.length === layout.fileColumns) return;
  let header = true;
  for await (const record of readCsvRecords(path)) {
    if (header) {
      header = false;
      continue;
    }
    if (record.cells && hasExtraCells(record.cells, layout.fileColumns)) {
      throw new DigestError(
        `${path} line ${record.line} has more cells than the header, which needs the columns ${layout.header.slice(layout.fileColumns).join(', ')} added: quote the cells that hold commas in that line, then run this again`,
      );
    }
  }
}

export function readRow(record: CsvRecord, layout: Layout, fallbackTime: string): StoreRow {
  const held = (why: { reason: string; advice?: string; email?: string; cells?: string[] }): StoreRow => ({
    kind: 'held',
    line: record.line,
    raw: record.raw,
    reason: `${why.reason} — kept as it is and not mailed${why.advice ? `: ${why.advice}` : ''}`,
    ...(why.email ? { email: why.email } : {}),
    ...(why.cells ? { cells: why.cells } : {}),
  });
  const { cells } = record;
  if (!cells) {
    // Still, an address that can be made out before the broken quote stays suppressed.
    const guess = normalizeAddress(record.raw.split(',')[layout.at.email]?.replace(/^\s*"|"\s*$/g, '') ?? '');
    return held({
      reason: record.problem ?? 'unreadable',
      advice: 'fix the line or remove it',
      ...(guess.ok ? { email: guess.email } : {}),
    });
  }
  const cell = (column: Column | ConfirmationColumn) => {
    const at = layout.at[column];
    return at === undefined ? '' : (cells[at] ?? '');
  };
  // The cells matter only for columns this store does not know; without any, keep the index small.
  const kept = layout.keepsCells ? cells : [];
  // The entry an erased address left (see `forgottenKey`) keeps only its dates.
  const key = cell('email').trim().toLowerCase();
  const forgotten = isForgottenKey(key);
  const address = forgotten ? { ok: true as const, email: key } : normalizeAddress(cell('email'));
  if (hasExtraCells(cells, layout.fileColumns)) {
    return held({
      reason: `${cells.length} cells where the header has ${layout.fileColumns}`,
      advice: 'quote the cells that hold commas',
      ...(address.ok ? { email: address.email } : {}),
    });
  }
  if (forgotten) {
    // One edited by hand into something else is held; its key still suppresses the address.
    if (knownStatus(cell('status')) !== 'forgotten')
      return held({ reason: 'a forgotten entry whose status is not "forgotten"', email: key });
    const entry: Subscriber = {
      email: key,
      status: 'forgotten',
      createdAt: cell('created_at') || fallbackTime,
      updatedAt: cell('updated_at') || fallbackTime,
    };
    return { kind: 'subscriber', subscriber: entry, cells: kept };
  }
  if (!address.ok) return held({ reason: address.reason });
  const status = cell('status') === '' ? 'active' : knownStatus(cell('status'));
  if (!status) {
    return held({
      reason: `${maskAddress(address.email)}: ${unknownStatusReason(cell('status'))}`,
      email: address.email,
      cells,
    });
  }
  const nonce = cell('confirm_nonce');
  const sentAt = cell('confirm_sent_at');
  const expiresAt = status === 'pending' ? cell('pending_expires_at') : '';
  return {
    kind: 'subscriber',
    subscriber: {
      email: address.email,
      status,
      ...(cell('name') ? { name: cell('name') } : {}),
      createdAt: cell('created_at') || fallbackTime,
      updatedAt: cell('updated_at') || fallbackTime,
      ...(status === 'pending' && nonce && sentAt ? { confirmation: { nonce, sentAt } } : {}),
    },
    cells: kept,
    ...(expiresAt ? { expiresAt } : {}),
  };
}

/** Trailing empty cells (a spreadsheet's extra commas) do not count. */
export function hasExtraCells(cells: string[], columns: number): boolean {
  return cells.slice(columns).some((cell) => cell !== '');
}

export function withStatus(
  row: StoreRow,
  status: SubscriberStatus,
  now: string,
  layout: Layout,
  path: string,
): StoreRow {
  if (row.kind === 'subscriber') {
    // A confirmation, and with it any purge, belongs to a pending sign-up only.
    if (status === 'pending') return { ...row, subscriber: { ...row.subscriber, status, updatedAt: now } };
    const { confirmation: _confirmation, ...rest } = row.subscriber;
    return { kind: 'subscriber', subscriber: { ...rest, status, updatedAt: now }, cells: row.cells };
  }
  if (!row.cells || !row.email) {
    throw new DigestError(
      `${path} line ${row.line} holds ${maskAddress(row.email ?? '')} but cannot be read: fix the line (see "digest subscribers count"), then run this again`,
    );
  }
  const name = row.cells[layout.at.name] ?? '';
  return {
    kind: 'subscriber',
    subscriber: {
      email: row.email,
      status,
      ...(name ? { name } : {}),
      createdAt: row.cells[layout.at.created_at] || now,
      updatedAt: now,
    },
    cells: row.cells,
  };
}

export async function* fileLines(layout: Layout, rows: AsyncIterable<StoreRow>): AsyncIterable<string> {
  yield csvLine(layout.header);
  for await (const row of rows) {
    if (row.kind === 'held') {
      yield row.raw;
      continue;
    }
    const { subscriber } = row;
    const cells = layout.header.map((_, at) => row.cells[at] ?? '');
    const confirmation = subscriber.status === 'pending' ? subscriber.confirmation : undefined;
    const values: Record<Column | ConfirmationColumn, string> = {
      email: subscriber.email,
      status: subscriber.status,
      name: subscriber.name ?? '',
      created_at: subscriber.createdAt,
      updated_at: subscriber.updatedAt,
      confirm_nonce: confirmation?.nonce ?? '',
      confirm_sent_at: confirmation?.sentAt ?? '',
      pending_expires_at: subscriber.status === 'pending' ? (row.expiresAt ?? '') : '',
    };
    if ((confirmation || row.expiresAt) && layout.at.confirm_nonce === undefined)
      throw new Error(
        'a confirmation is written only with the confirmation columns: see withConfirmationColumns',
      );
    for (const column of [...COLUMNS, ...CONFIRMATION_COLUMNS]) {
      const at = layout.at[column];
      if (at !== undefined) cells[at] = values[column];
    }
    yield csvLine(cells);
  }
}

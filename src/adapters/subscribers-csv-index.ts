import { ClassicLevel } from 'classic-level';
import {
  forgottenKey,
  type ImportOutcome,
  type ImportRow,
  mergeImport,
} from '../core/delivery/subscriber.js';
import { addressOf, type StoreRow } from './subscribers-csv-rows.js';

/**
 * The store's rows keyed two ways in a LevelDB folder: by position (`o:` + sequence, to write them
 * back in file order with new addresses at the end) and by address (`e:` + address, to merge).
 */
export class ImportIndex {
  private readonly db: ClassicLevel<string, unknown>;
  private count = 0;

  constructor(folder: string) {
    this.db = new ClassicLevel<string, unknown>(folder, { valueEncoding: 'json' });
  }

  open(): Promise<void> {
    return this.db.open();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async addStoreRows(rows: AsyncIterable<StoreRow>): Promise<void> {
    for await (const chunk of chunks(rows)) await this.addChunk(chunk);
  }

  /**
   * Merges import rows as `mergeImport` says (an address held with an unknown status stays
   * suppressed, and so does an erased one: its `forgottenKey` entry), a chunk at a time so each
   * chunk costs three index reads, not three per row.
   */
  async merge(
    rows: AsyncIterable<ImportRow>,
    now: string,
    onOutcome: (row: ImportRow, outcome: ImportOutcome) => void,
  ): Promise<void> {
    for await (const chunk of chunks(rows)) {
      const entries = (await this.db.getMany(chunk.map((row) => addressKey(row.email)))) as (
        | AddressEntry
        | undefined
      )[];
      const stored = (await this.db.getMany(entries.map((entry) => rowKey(entry?.seq ?? 0)))) as (
        | StoreRow
        | undefined
      )[];
      const forgotten = await this.db.getMany(chunk.map((row) => addressKey(forgottenKey(row.email))));
      const current = new Map<string, { seq: number; row: StoreRow }>();
      chunk.forEach((row, at) => {
        const entry = entries[at];
        const found = stored[at];
        if (entry && found && !current.has(row.email)) current.set(row.email, { seq: entry.seq, row: found });
      });
      const batch = this.db.batch();
      for (const [at, row] of chunk.entries()) {
        const known = current.get(row.email);
        if (known?.row.kind === 'held' || (!known && forgotten[at] !== undefined)) {
          onOutcome(row, 'kept-suppressed');
          continue;
        }
        const { subscriber, outcome } = mergeImport(known?.row.subscriber, row, now);
        if (outcome === 'added' || outcome === 'updated') {
          const seq = known?.seq ?? ++this.count;
          const merged: StoreRow = { kind: 'subscriber', subscriber, cells: known?.row.cells ?? [] };
          batch.put(rowKey(seq), merged);
          batch.put(addressKey(row.email), {
            seq,
            suppressed: subscriber.status !== 'active',
          } satisfies AddressEntry);
          current.set(row.email, { seq, row: merged });
        }
        onOutcome(row, outcome);
      }
      await batch.write();
    }
  }

  async *rows(): AsyncIterable<StoreRow> {
    for await (const row of this.db.values({ gte: 'o:', lt: 'o;' })) yield row as StoreRow;
  }

  private async addChunk(rows: StoreRow[]): Promise<void> {
    const addresses = rows.map(addressOf);
    const known = (await this.db.getMany(addresses.map((address) => addressKey(address ?? '')))) as (
      | AddressEntry
      | undefined
    )[];
    const batch = this.db.batch();
    const inChunk = new Map<string, AddressEntry>();
    rows.forEach((row, at) => {
      const seq = ++this.count;
      batch.put(rowKey(seq), row);
      const address = addresses[at];
      if (!address) return;
      const entry = { seq, suppressed: !(row.kind === 'subscriber' && row.subscriber.status === 'active') };
      const earlier = inChunk.get(address) ?? known[at];
      // A hand-edited file may list an address twice: if any of its rows is suppressed, the address is.
      if (earlier && (earlier.suppressed || !entry.suppressed)) return;
      batch.put(addressKey(address), entry);
      inChunk.set(address, entry);
    });
    await batch.write();
  }
}

interface AddressEntry {
  seq: number;
  suppressed: boolean;
}

const rowKey = (seq: number) => `o:${String(seq).padStart(12, '0')}`;
const addressKey = (address: string) => `e:${address}`;

async function* chunks<T>(items: AsyncIterable<T>, size = 1000): AsyncIterable<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Runs `work` on every item of an (async) iterable with at most `concurrency` at once, pulling
 * items only as workers free up, so a list of any length is never held in memory.
 *
 * @example
 * await forEachConcurrent(subscribers, 8, (subscriber) => send(subscriber));
 */
export async function forEachConcurrent<T>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items[Symbol.iterator]());
  // Async iterators must not be pulled concurrently: workers take turns.
  let pulling: Promise<unknown> = Promise.resolve();
  const next = (): Promise<IteratorResult<T>> => {
    const pull = pulling.then(() => iterator.next());
    pulling = pull.catch(() => undefined);
    return pull;
  };
  const worker = async () => {
    for (let item = await next(); !item.done; item = await next()) await work(item.value);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: async () => iterator.next() };
}

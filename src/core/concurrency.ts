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

/**
 * `work` on each item with at most `concurrency` at once, yielding results as they finish: memory
 * holds at most `concurrency` results in waiting, however many items there are.
 *
 * @example
 * for await (const file of mapConcurrent(names, 16, read)) parse(file);
 */
export async function* mapConcurrent<T, R>(
  items: Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<R>,
): AsyncIterable<R> {
  const iterator = items[Symbol.iterator]();
  const running = new Map<number, Promise<{ id: number; value: R }>>();
  let next = 0;
  const start = () => {
    const item = iterator.next();
    if (item.done) return;
    const id = next++;
    const result = work(item.value).then((value) => ({ id, value }));
    // A failure surfaces through the race below; this keeps the others from going unhandled.
    result.catch(() => {});
    running.set(id, result);
  };
  for (let index = 0; index < Math.max(1, concurrency); index++) start();
  while (running.size > 0) {
    const { id, value } = await Promise.race(running.values());
    running.delete(id);
    start();
    yield value;
  }
}

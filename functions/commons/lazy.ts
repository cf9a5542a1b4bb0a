/**
 * A value made on first use and shared after, so a cold start loads only the clients its first
 * request needs. A failed attempt is forgotten, so the next call tries again.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}

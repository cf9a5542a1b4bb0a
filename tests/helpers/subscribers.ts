import {
  decideConfirmation,
  decideSignup,
  type ImportOutcome,
  type ImportRow,
  type SubscriberStore,
} from '../../src/core/delivery/subscriber.js';

/** Imports rows into a store; each row's outcome by address. */
export async function importRows(store: SubscriberStore, ...rows: ImportRow[]) {
  const outcomes: Record<string, ImportOutcome> = {};
  await store.importRows(
    (async function* () {
      yield* rows;
    })(),
    (row, outcome) => {
      outcomes[row.email] = outcome;
    },
  );
  return outcomes;
}

/** A sign-up through a store, as the site makes it (with a given nonce and time). */
export const signUpThrough = (store: SubscriberStore, email: string, nonce: string, now: Date) =>
  store.update(email, (existing) => {
    const decided = decideSignup(existing, { email }, now, nonce);
    return { ...(decided.write ? { write: decided.write } : {}), result: decided };
  });

/** A confirmation through a store, as the site makes it. */
export const confirmThrough = (store: SubscriberStore, email: string, nonce: string, now: Date) =>
  store.update(email, (existing) => {
    const decided = decideConfirmation(existing, nonce, now);
    return { ...(decided.write ? { write: decided.write } : {}), result: decided.outcome };
  });

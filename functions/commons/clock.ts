/**
 * What the functions take as "now" for the digest's own decisions (the week, a draft's window,
 * when an approve link expires). One place, so a test can move it; AWS requests are still signed
 * with the real time.
 */
export const clock = { now: (): Date => new Date() };

import type { Event } from '@gatehouse/events';

/**
 * An event as a decider sees it: what happened and when. The envelope's routing fields
 * (id, subject, source) are the store's business; a stored envelope is structurally one
 * of these, so `evolve` folds envelopes read from the stream directly.
 */
export type Fact<E> = E extends Event<infer Type, infer Data> ? { type: Type; time: string; data: Data } : never;

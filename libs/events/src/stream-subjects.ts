import { aggregates } from './catalog.ts';
import { namesFor } from './subjects.ts';

export interface StreamSubjects {
  /** Stream name, e.g. `GATEHOUSE_TOKENS`. */
  name: string;
  /** `<ns>.<aggregate>.>` of every aggregate stored in it. */
  subjects: string[];
}

/**
 * Every stream of the namespace and the subjects it stores, derived from the catalog:
 * a stream may hold several aggregates (grants and FAST tokens share `<NS>_TOKENS`),
 * and a new aggregate cannot be left out of its stream's subjects.
 */
export function streamSubjects(ns: string): StreamSubjects[] {
  const names = namesFor(ns);
  const byStream = new Map<string, string[]>();
  for (const aggregate of aggregates) {
    const stream = names.streams[aggregate.stream];
    byStream.set(stream, [...(byStream.get(stream) ?? []), `${ns}.${aggregate.name}.>`]);
  }
  return [...byStream].map(([name, subjects]) => ({ name, subjects }));
}

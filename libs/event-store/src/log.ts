import type { GatehouseEvent } from '@gatehouse/events';

/** Where a subject stands: the stream sequence of its last message (0: none) and that message's event id, when known. */
export interface Position {
  sequence: number;
  eventId?: string;
}

/** What readAggregate (@gatehouse/bus) answers. */
export interface ReadResult {
  events: GatehouseEvent[];
  /** Sequence of the last message read; 0 when none was. */
  lastSequence: number;
  /** Sequences of malformed messages, skipped. */
  skipped: number[];
}

/** The stream side of the store: JetStream (nats-store.ts), or memory for unit tests (memory-store.ts). */
export interface EventLog {
  last(subject: string): Promise<Position>;
  /** The events stored on `subject` from `startSequence` on, that one included. */
  read(subject: string, startSequence: number): Promise<ReadResult>;
  /**
   * Stores the event if the subject's last sequence is still `expectedLastSubjectSequence`
   * (else WrongExpectedSequenceError); an id stored before answers `duplicate` with its sequence.
   */
  append(event: GatehouseEvent, expectedLastSubjectSequence: number): Promise<{ seq: number; duplicate: boolean }>;
}

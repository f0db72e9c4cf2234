import type { Event, GatehouseEvent } from '@gatehouse/events';

/**
 * An event as a decider sees it: what happened and when. The envelope's routing fields
 * (id, subject, source) are the store's business; a stored envelope is structurally one
 * of these, so `evolve` folds envelopes read from the stream directly.
 */
export type Fact<E> = E extends Event<infer Type, infer Data> ? { type: Type; time: string; data: Data } : never;

/** A stored event as the fact it records (TypeScript cannot see through `Fact<E>` for a generic `E`). */
export function asFact<E extends GatehouseEvent>(event: E): Fact<E> {
  return event as unknown as Fact<E>;
}

/** What `decide` throws to refuse a command: an Error with a machine `code` (a bug has none). */
export type Refusal = Error & { code: string };

export function isRefusal(error: unknown): error is Refusal {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** The state as JSON: what a snapshot stores, and what the cache's size estimate measures. */
export interface StateJson<State> {
  /** Bump it when the state's shape changes: snapshots of another version are ignored and deleted. */
  version: number;
  toJSON(state: State): unknown;
  /** May throw on a value it cannot read: the snapshot is then ignored and deleted. */
  fromJSON(json: unknown): State;
}

/** For a state that is plain JSON already (no Map, Set or Date). */
export function plainStateJson<State>(version = 1): StateJson<State> {
  return { version, toJSON: (state) => state, fromJSON: (json) => json as State };
}

/**
 * One kind of aggregate as a Decider (emmett's `Decider`): `Key` names one aggregate,
 * `E` is its slice of the event catalog (`GrantEvent`, `RosterEvent`...).
 */
export interface AggregateDefinition<Key, Command, State, E extends GatehouseEvent> {
  /** For logs, e.g. `grant`. */
  name: string;
  /** The subject that names this one aggregate, e.g. `namesFor(ns).subjects.grant(jid, clientId)`. */
  subject(key: Key): string;
  /** The aggregate's events (`isGrantEvent`): anything else stored on its subject is skipped and logged. */
  isEvent(event: GatehouseEvent): event is E;
  initialState(): State;
  evolve(state: State, event: Fact<E>): State;
  /**
   * The events a command appends (none: nothing to do), or a thrown Refusal. Pure, with
   * `now` given: after a conflict it runs again on the newer state.
   */
  decide(command: Command, state: State, now: Date): Fact<E>[];
  /**
   * Commands whose "nothing to do", decided on a cached state, is decided once more on the
   * state as stored before it is believed: another replica may have appended what makes
   * it something to do, and appending nothing cannot conflict. Default: none.
   */
  confirmNoop?(command: Command, state: State): boolean;
  /** Likewise for refusals decided on a cached state: those a newer state could turn into a success. Default: every refusal. */
  confirmRefusal?(error: Refusal, command: Command): boolean;
  /** Default: `plainStateJson()`. */
  stateJson?: StateJson<State>;
}

/** One aggregate's state and the stream sequence of its last event (0: none yet). */
export interface Known<State> {
  state: State;
  sequence: number;
}

/** An event this store appended, and where the stream put it. */
export interface Stored<E> {
  event: E;
  sequence: number;
}

/** What a command did. */
export interface Outcome<State, E> {
  /** The events this command stored, in order: those of an attempt that then conflicted included. */
  events: Stored<E>[];
  /** The state the last decision was made on. */
  before: State;
  /** The state after the command, at `sequence`. */
  state: State;
  sequence: number;
}

export interface ExecuteOptions<E> {
  /**
   * The event id (and `Nats-Msg-Id`) of each fact; default random. A deterministic id
   * makes a command redelivered within the stream's duplicate window store nothing twice;
   * it must then be unique to what it records, or two racing replicas' different events
   * would de-duplicate into one "success" instead of a conflict.
   */
  eventId?: (fact: Fact<E>) => string;
}

/** Aggregates of one kind, loaded when a command needs them, cached, appended with optimistic concurrency. */
export interface EventStore<Key, Command, State, E> {
  /**
   * Decides `command` on the aggregate's state (cached, else loaded) and appends what it
   * decides, expecting the aggregate's last sequence to be the one decided on. On a
   * conflict the aggregate is loaded again and the command decided again, up to
   * `maxAttempts`; then the WrongExpectedSequenceError is thrown. Refusals are thrown.
   * Commands on one aggregate run one at a time in this store.
   */
  execute(key: Key, command: Command, options?: ExecuteOptions<E>): Promise<Outcome<State, E>>;
  /** The state a command would be decided on first: cached, else loaded. It may miss another replica's latest append. */
  read(key: Key): Promise<Known<State>>;
  /** The state as stored now: the subject's last sequence is looked up, and only events the cache lacks are read. */
  load(key: Key): Promise<Known<State>>;
  /**
   * Tells the store that `subject` has an event at stream sequence `sequence` (a follower of
   * the stream from now on saw it): a cached entry older than that is dropped, so the next
   * command or read loads it. For answers that must not come from a state another replica
   * has since changed, and for decisions that are not confirmed against the stream. Runs
   * after the aggregate's commands in flight.
   */
  observe(subject: string, sequence: number): Promise<void>;
}

/**
 * Runs tasks one at a time per key. The sessions, tokens and accounts streams are read
 * by three consumers at once; per account, their commands must not interleave, or a new
 * client could be created from history fetched just before a password change was told
 * to the clients the view knew of.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => {}).then(task);
    const tail = result.catch(() => {});
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

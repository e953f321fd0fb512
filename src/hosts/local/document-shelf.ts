/** Documents each thread holds: enough for the workflows a service runs at once. */
export const DOCUMENTS_PER_THREAD = 64;

/**
 * The documents a worker thread holds, by id, least recently used first. The parent sends a
 * document to a thread once and then only its id: copying a document into the thread costs more
 * than running a short execution of it. The parent keeps a shelf per thread beside the thread's
 * own; both see the same starts in the same order and evict alike, so they hold the same ids.
 */
export class DocumentShelf<Value> {
  private readonly entries = new Map<number, Value>();

  /** The value held under `id`, now the most recently used; undefined when not held. */
  take(id: number): Value | undefined {
    const value = this.entries.get(id);
    if (value === undefined) return undefined;
    this.entries.delete(id);
    this.entries.set(id, value);
    return value;
  }

  put(id: number, value: Value): void {
    this.entries.set(id, value);
    if (this.entries.size > DOCUMENTS_PER_THREAD) this.entries.delete(this.entries.keys().next().value!);
  }
}

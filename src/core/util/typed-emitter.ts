/**
 * A minimal typed event emitter usable in any runtime (Node, worker, renderer).
 * `on` returns its own unsubscribe function, so listeners are easy to release.
 */
export type EventMap = { [event: string]: unknown };

export class TypedEmitter<Events extends EventMap> {
  private readonly listeners: { [E in keyof Events]?: Set<(payload: Events[E]) => void> } = {};

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners[event];
    if (!set) {
      set = new Set();
      this.listeners[event] = set;
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  once<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  protected emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners[event];
    if (!set) return;
    for (const listener of [...set]) listener(payload);
  }

  protected removeAllListeners(): void {
    for (const key of Object.keys(this.listeners) as (keyof Events)[]) delete this.listeners[key];
  }
}

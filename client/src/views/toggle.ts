/** An on/off state of the page (a view or mode kept in the URL hash), with change listeners. */
export class Toggle {
  private value = false
  private readonly listeners = new Set<(on: boolean) => void>()

  get on(): boolean {
    return this.value
  }

  set(on: boolean): void {
    if (on === this.value) return
    this.value = on
    for (const cb of this.listeners) cb(on)
  }

  onChange(cb: (on: boolean) => void): () => void {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }
}

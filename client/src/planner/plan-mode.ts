/** Whether the planner's drawing mode is on (`plan=1` in the URL hash), with change listeners. */
class PlanMode {
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

export const planMode = new PlanMode()

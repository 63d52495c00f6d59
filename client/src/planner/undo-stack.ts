/**
 * Undo/redo over whole snapshots of the drawing (a handful of zones and routes: copying them is
 * cheap and cannot drift the way inverse operations can). `push` after every finished edit.
 */
export class UndoStack<T> {
  private readonly done: T[] = []
  private undone: T[] = []

  constructor(
    initial: T,
    private readonly limit = 100,
  ) {
    this.done.push(initial)
  }

  get current(): T {
    return this.done[this.done.length - 1]!
  }

  push(snapshot: T): void {
    this.done.push(snapshot)
    if (this.done.length > this.limit + 1) this.done.shift()
    this.undone = []
  }

  /** Replaces the base (after loading or saving: that state is the new starting point). */
  reset(snapshot: T): void {
    this.done.length = 0
    this.done.push(snapshot)
    this.undone = []
  }

  canUndo(): boolean {
    return this.done.length > 1
  }

  canRedo(): boolean {
    return this.undone.length > 0
  }

  undo(): T | undefined {
    if (!this.canUndo()) return undefined
    this.undone.push(this.done.pop()!)
    return this.current
  }

  redo(): T | undefined {
    const next = this.undone.pop()
    if (next === undefined) return undefined
    this.done.push(next)
    return next
  }
}

/** Ctrl/⌘+Z undoes, Ctrl/⌘+Shift+Z and Ctrl/⌘+Y redo, while `active()` and not in a form field. */
export function undoShortcuts(active: () => boolean, undo: () => void, redo: () => void): void {
  window.addEventListener('keydown', (e) => {
    if (!active() || !(e.ctrlKey || e.metaKey) || (e.target as HTMLElement | null)?.closest('input, select, textarea')) return
    const key = e.key.toLowerCase()
    if (key !== 'z' && key !== 'y') return
    e.preventDefault()
    if (key === 'z' && !e.shiftKey) undo()
    else redo()
  })
}

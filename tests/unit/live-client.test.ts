import { describe, expect, it } from 'vitest'
import { MAX_SPACING_MS, MIN_SPACING_MS, RedrawPacer } from '../../client/src/live/redraw-pacer.ts'
import { STALE_MS, UnitStore } from '../../client/src/live/unit-store.ts'

const report = (code: string, ts: number, lon = 125.14, lat = 42.9) => ({ unit_id: 1, code, callsign: code, kind: 'ebike', ts: new Date(ts).toISOString(), lon, lat, speed: 4, heading: 90 })

describe('the live view redraw pacing', () => {
  it('spaces redraws by twice the frame cost, between 250 and 800 ms', () => {
    const p = new RedrawPacer()
    // No frame measured yet: the least spacing; the first redraw may run at once.
    expect(p.spacing).toBe(MIN_SPACING_MS)
    expect(p.wait(1000)).toBe(0)
    p.drew(1000)
    expect(p.wait(1100)).toBe(150)
    // GPU-fast frames (20 ms): still 250 ms apart, not faster.
    p.frame(20)
    expect(p.spacing).toBe(250)
    // Frames of 200 ms: 400 ms apart (the live layer takes half the page's time).
    const q = new RedrawPacer()
    q.frame(200)
    expect(q.spacing).toBe(400)
    q.drew(0)
    expect(q.wait(100)).toBe(300)
    expect(q.wait(500)).toBe(0)
    // Software WebGL, 500 ms frames: capped at 800 ms so reports still show within a second.
    const r = new RedrawPacer()
    for (let k = 0; k < 10; k++) r.frame(500)
    expect(r.spacing).toBe(MAX_SPACING_MS)
  })

  it('smooths the frame cost: one slow frame does not halve the redraw rate', () => {
    const p = new RedrawPacer()
    for (let k = 0; k < 10; k++) p.frame(150)
    expect(p.spacing).toBeCloseTo(300, 6)
    p.frame(1000) // 0.7 × 150 + 0.3 × 1000 = 405 → 810 → capped
    expect(p.spacing).toBe(800)
    for (let k = 0; k < 10; k++) p.frame(150)
    expect(p.spacing).toBeLessThan(320)
    // Nonsense measures are ignored.
    p.frame(NaN)
    p.frame(-5)
    expect(p.spacing).toBeLessThan(320)
  })
})

describe('the live unit store', () => {
  it('keeps the newest position, turns a unit stale after two minutes, and says when sprites change', () => {
    const t0 = Date.parse('2026-11-29T08:00:00Z')
    const s = new UnitStore(t0)
    s.apply([report('EB001', t0, 125.1), report('EB002', t0 - STALE_MS - 1000, 125.2)], t0)
    expect(s.size).toBe(2)
    const b = s.buffers()
    expect([...b.stale]).toEqual([0, 1])
    const v0 = s.iconVersion
    // An older report does not move the unit back.
    s.apply([report('EB001', t0 - 5000, 125.3)], t0)
    expect(s.unit(0)!.lon).toBeCloseTo(125.1, 5)
    expect(s.iconVersion).toBe(v0)
    // EB002 reports: fresh again, a new sprite; EB001 goes stale as the clock passes two minutes.
    s.apply([report('EB002', t0 + 1000, 125.25)], t0 + 1000)
    expect([...s.buffers().stale]).toEqual([0, 0])
    expect(s.iconVersion).toBeGreaterThan(v0)
    const v1 = s.iconVersion
    expect(s.refreshStale(t0 + STALE_MS - 1)).toBe(false)
    expect(s.refreshStale(t0 + STALE_MS + 1)).toBe(true)
    expect([...s.buffers().stale]).toEqual([1, 0])
    expect(s.iconVersion).toBe(v1 + 1)
    expect(s.counts()).toEqual({ fresh: 1, stale: 1 })
  })
})

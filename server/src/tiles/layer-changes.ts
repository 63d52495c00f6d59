import { LAYERS } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { errorMessage, type Logger } from '../logger.ts'
import { invalidateLayer } from './tile-cache.ts'

const CHANNEL = 'pingan_layer_changed'
const layersOfTable = new Map<string, string[]>()
for (const l of LAYERS) layersOfTable.set(l.table, [...(layersOfTable.get(l.table) ?? []), l.id])

const listening = new Map<DbHandle, Promise<() => Promise<void>>>()

/**
 * Drops a layer's cached tiles when its table changes, as told by the database's NOTIFY
 * (migration 0013), so every server process on the database stays fresh. Started on the first
 * tile request; one LISTEN per database handle.
 */
export function followLayerChanges(database: DbHandle, logger?: Logger): Promise<unknown> {
  let started = listening.get(database)
  if (!started) {
    started = database.listen(CHANNEL, (table) => {
      // '*': the listener reconnected and may have missed changes; drop every layer's tiles.
      const ids = table === '*' ? [...new Set([...layersOfTable.values()].flat())] : (layersOfTable.get(table) ?? [])
      for (const id of ids) invalidateLayer(id)
    })
    started.catch((err) => {
      listening.delete(database)
      logger?.warn(`tiles: cannot listen for layer changes: ${errorMessage(err)}`)
    })
    listening.set(database, started)
  }
  return started
}

/** Stops listening (shutdown). */
export async function stopFollowingLayerChanges(database: DbHandle): Promise<void> {
  const started = listening.get(database)
  listening.delete(database)
  if (started) await (await started)()
}

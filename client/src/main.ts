import './style.css'
import { api } from './api/client.ts'
import { createMap } from './map/create-map.ts'
import { addReferenceLayers } from './layers/reference-layers.ts'
import { renderHeadlines } from './views/headlines.ts'

const map = createMap('map')
// Exposed for the browser tests and for operators poking at the map from the console.
;(window as unknown as { pinganMap: typeof map }).pinganMap = map
const status = document.getElementById('db-status')!

map.on('load', () => {
  void addReferenceLayers(map).then(() => {
    document.body.dataset.mapReady = 'true'
  })
})

api
  .health()
  .then((h) => {
    status.textContent = `${h.database.backend === 'pglite' ? '内置数据库' : 'PostgreSQL'} · PostGIS ${h.database.postgis}`
    status.classList.add('ok')
  })
  .catch((err: Error) => {
    status.textContent = `数据库不可用：${err.message}`
  })

api
  .stats()
  .then((s) => renderHeadlines(document.getElementById('headlines')!, s))
  .catch((err: Error) => {
    document.getElementById('headlines')!.textContent = `统计加载失败：${err.message}`
  })

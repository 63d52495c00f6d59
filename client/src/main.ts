import './style.css'
import { setupAnalysis } from './analysis/setup.ts'
import { api, type ClientConfig } from './api/client.ts'
import { errorText, reportError } from './api/error-text.ts'
import { setupDashboard } from './dashboard/setup.ts'
import { dashboardQuery, parseDashboardQuery } from './dashboard/dashboard-mode.ts'
import { mountAccountChip } from './auth/account-chip.ts'
import { mountAdminPanel } from './auth/admin-panel.ts'
import { loadSession } from './auth/auth-api.ts'
import { showLogin } from './auth/login-view.ts'
import { setSession } from './auth/session.ts'
import { onLangChange, setLang, t } from './i18n.ts'
import { DeckLayers } from './layers/deck-layers.ts'
import { setupLive } from './live/setup.ts'
import { setupOfficer } from './officer/setup.ts'
import { setupPeople } from './people/setup.ts'
import { setupVolunteer } from './volunteer/setup.ts'
import { fitTopbar } from './views/topbar-fit.ts'
import { setupPlanner } from './planner/setup.ts'
import { DEFAULT_LAYERS, LayerController } from './layers/layer-controller.ts'
import { MapAttribution } from './map/attribution.ts'
import { addOfflineBasemap, addRasterBasemap, rasterDatumMatches, setLabelsVisible, setRasterVisible } from './map/basemap.ts'
import { addMapControls } from './map/controls.ts'
import { createMap } from './map/create-map.ts'
import { parseHash } from './map/hash-state.ts'
import { serverTiles } from './map/tile-source.ts'
import { syncUrlState } from './map/url-state.ts'
import { FeaturePopup } from './views/feature-popup.ts'
import { renderHeadlines } from './views/headlines.ts'
import { LayerPanel, type BasemapOption } from './views/layer-panel.ts'
import { isPhone, setupPanel } from './views/panels.ts'
import { SearchBox } from './views/search-box.ts'
import { setupLangToggle, setupStatus, translateStatic } from './views/topbar.ts'

declare global {
  interface Window {
    /** The MapLibre map, for the browser tests and for operators at the console. */
    pinganMap?: maplibregl.Map
    pinganLayers?: LayerController
    pinganDeck?: DeckLayers['overlay']
  }
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

const initial = parseHash(window.location.hash)
if (initial.lang) setLang(initial.lang)
translateStatic(document)
setupLangToggle(byId<HTMLButtonElement>('lang-toggle'))

// Nothing but the sign-in screen until the server knows who this is.
const signedIn = (await loadSession()) ?? (await showLogin())
setSession(signedIn)
mountAccountChip(document.querySelector<HTMLElement>('.actions')!, signedIn)
fitTopbar()
if (signedIn.user.role === 'admin') mountAdminPanel(document.querySelector<HTMLElement>('.actions')!)
setupStatus(byId('db-status'), api.health())
// The dashboard needs no map: it opens at once when the link asks for it.
dashboardQuery.set(parseDashboardQuery(initial.dashboard))
setupDashboard(initial.view === 'dashboard')

const map = createMap('map', initial)
window.pinganMap = map
const attribution = new MapAttribution(map)
addMapControls(map)

setupPanel(byId('headlines'), byId<HTMLButtonElement>('toggle-headlines'), 'headlines.title', true)
const layerPanel = byId('layer-panel')
setupPanel(layerPanel, byId<HTMLButtonElement>('toggle-layers'), 'panel.layers', !isPhone())

const headlinesBody = document.createElement('div')
headlinesBody.className = 'panel-body'
byId('headlines').append(headlinesBody)
api
  .stats()
  .then((stats) => {
    renderHeadlines(headlinesBody, stats)
    onLangChange(() => renderHeadlines(headlinesBody, stats))
  })
  .catch((err: unknown) => {
    const say = () => (headlinesBody.textContent = t('headlines.failed', { message: reportError('figures', err) }))
    say()
    onLangChange(say)
  })

const configReady: Promise<ClientConfig | null> = api.config().catch(() => null)

map.on('load', () => {
  void (async () => {
    const tiles = serverTiles()
    const config = await configReady
    addOfflineBasemap(map, tiles)
    const basemaps: BasemapOption[] = [
      { id: 'labels', title: () => t('basemap.labels'), visible: true, setVisible: (v) => setLabelsVisible(map, v) },
    ]
    const raster = config?.basemap
    if (raster) {
      addRasterBasemap(map, raster)
      const on = rasterDatumMatches(raster)
      setRasterVisible(map, on)
      attribution.setBasemap(on ? raster : null)
      basemaps.push({
        id: 'raster',
        title: () => t('basemap.raster', { name: raster.name }),
        ...(on ? {} : { note: () => t('basemap.datumWarning', { datum: raster.datum }) }),
        visible: on,
        setVisible: (v) => {
          setRasterVisible(map, v)
          attribution.setBasemap(v ? raster : null)
        },
      })
    }

    const deck = new DeckLayers(map)
    const layers = new LayerController({ map, tiles, deck }, initial.layers ?? DEFAULT_LAYERS, initial.measure ?? 'none')
    window.pinganLayers = layers
    window.pinganDeck = deck.overlay
    new LayerPanel(layerPanel, map, layers, basemaps)
    new SearchBox(byId('search'), map, layers)
    setupPeople(map)
    // Before the popup: a tap that chooses an officer's or a volunteer's entry location opens no popup.
    setupOfficer(map, signedIn)
    setupVolunteer(map, signedIn)
    setupPlanner(map, layers, initial.plan === true)
    new FeaturePopup(map, layers, deck)
    setupLive(map, deck, initial.live === true)
    // An officer's own cells come first in the coverage lists.
    window.pinganAnalysis = setupAnalysis({ map, initial, ...(signedIn.user.role === 'officer' ? { ownGridIds: signedIn.user.gridIds } : {}) })
    syncUrlState(map, layers, window.pinganAnalysis)

    await new Promise<void>((resolve) => map.once('idle', () => resolve()))
    await layers.deckLoaded(map.getZoom())
    document.body.dataset.mapReady = 'true'
  })().catch((err: unknown) => {
    // Shown, not swallowed: the page says the map failed and the console has the cause.
    byId('db-status').textContent = errorText(err)
    throw err
  })
})

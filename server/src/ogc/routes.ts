import type { Router, Request } from 'express'
import { secureRouter } from '../auth/route-guard.ts'
import { LAYERS, type LayerDef } from '../../../data/catalog/layers.ts'
import type { DbHandle } from '../db/create-db.ts'
import { idParam, layerParam } from '../features/routes.ts'
import { countFeatures, readFeature, readFeaturePage } from '../features/read-features.ts'
import { ApiError, handle } from '../http/errors.ts'
import { readExtents, type LayerExtent } from './extent.ts'
import { checkFormat, parseItemsQuery } from './items-query.ts'
import { ogcOpenApiDocument } from './openapi.ts'
import { readScopeOf } from '../auth/request-scope.ts'
import { readScope, scopeCondition } from '../auth/layer-access.ts'
import { requirePrincipal } from '../auth/policy.ts'
import { CONFORMANCE, CRS84, GEOJSON_TYPE, JSON_TYPE, OPENAPI_TYPE, ogcRoot, requestUrl, type Link } from './links.ts'

type Lang = 'en' | 'zh'

/** Titles in the language the client prefers (QGIS sends its UI locale); English otherwise. */
function language(req: Request): Lang {
  return req.acceptsLanguages('en', 'zh') === 'zh' ? 'zh' : 'en'
}

/** The OGC collection document of one layer (OGC API – Features 7.14). */
function collectionDoc(req: Request, layer: LayerDef, extent: LayerExtent | undefined): Record<string, unknown> {
  const lang = language(req)
  const href = `${ogcRoot(req)}/collections/${encodeURIComponent(layer.id)}`
  const links: Link[] = [
    { href, rel: 'self', type: JSON_TYPE, title: 'this collection' },
    { href: `${href}/items`, rel: 'items', type: GEOJSON_TYPE, title: 'its features' },
  ]
  const spatial = extent?.bbox ? { spatial: { bbox: [extent.bbox], crs: CRS84 } } : {}
  const temporal = extent?.interval
    ? { temporal: { interval: [extent.interval], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } }
    : {}
  return {
    id: layer.id,
    title: layer.title[lang],
    // The other language's title, so a client showing one still finds the layer by either name.
    description: layer.title[lang === 'en' ? 'zh' : 'en'],
    links,
    ...(extent?.bbox || extent?.interval ? { extent: { ...spatial, ...temporal } } : {}),
    itemType: 'feature',
    crs: [CRS84],
  }
}

/** OGC API – Features Part 1 over the layer catalog, so QGIS and GDAL (OAPIF) open every layer. */
export function ogcRoutes({ db }: DbHandle): Router {
  const router = secureRouter('/ogc')

  router.get('/', (req, res) => {
    checkFormat(req.query)
    const root = ogcRoot(req)
    const links: Link[] = [
      { href: root, rel: 'self', type: JSON_TYPE, title: 'this document' },
      { href: `${root}/api`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'the API definition' },
      { href: `${root}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'conformance classes' },
      { href: `${root}/collections`, rel: 'data', type: JSON_TYPE, title: 'the layers' },
    ]
    res.json({ title: "Ping'an Grid 平安网格", description: 'Community policing layers of Liaoyuan (辽源市), OGC API – Features', links })
  })

  router.get('/api', (req, res) => {
    checkFormat(req.query)
    res.type(OPENAPI_TYPE).send(JSON.stringify(ogcOpenApiDocument(ogcRoot(req))))
  })

  router.get('/conformance', (req, res) => {
    checkFormat(req.query)
    res.json({ conformsTo: CONFORMANCE })
  })

  router.get(
    '/collections',
    handle(async (req, res) => {
      checkFormat(req.query)
      const principal = requirePrincipal(req)
      const visible = LAYERS.filter((l) => readScope(principal, l) !== 'none')
      const extents = await readExtents(db, visible, (l) => scopeCondition(readScope(principal, l), principal, l))
      res.vary('Accept-Language').json({
        links: [{ href: `${ogcRoot(req)}/collections`, rel: 'self', type: JSON_TYPE, title: 'the layers' }],
        collections: visible.map((l) => collectionDoc(req, l, extents.get(l.id))),
      })
    }),
  )

  router.get(
    '/collections/:layer',
    handle(async (req, res) => {
      const layer = layerParam(req)
      checkFormat(req.query)
      const { where } = readScopeOf(req, layer)
      const extents = await readExtents(db, [layer], () => where)
      res.vary('Accept-Language').json(collectionDoc(req, layer, extents.get(layer.id)))
    }),
  )

  router.get(
    '/collections/:layer/items',
    handle(async (req, res) => {
      const layer = layerParam(req)
      const query = { ...parseItemsQuery(layer, req.query as Record<string, unknown>), scope: readScopeOf(req, layer).where }
      // numberMatched where it is cheap: once, on the first page (a count of the whole filter on
      // every page of a long walk cost as much as the pages themselves).
      const [page, matched] = await Promise.all([readFeaturePage(db, layer, query), query.firstPage ? countFeatures(db, layer, query) : undefined])
      const links: Link[] = [
        { href: requestUrl(req), rel: 'self', type: GEOJSON_TYPE, title: 'this page' },
        { href: `${ogcRoot(req)}/collections/${encodeURIComponent(layer.id)}`, rel: 'collection', type: JSON_TYPE, title: 'the collection' },
      ]
      if (page.more && page.lastId !== null) {
        // Keyset paging by id (the items' order): the next page starts after this page's last id,
        // an index range instead of an OFFSET scan; the limit is repeated already clamped.
        const next = { after: String(page.lastId), limit: String(query.limit) }
        links.push({ href: requestUrl(req, next, ['offset']), rel: 'next', type: GEOJSON_TYPE, title: 'next page' })
      }
      // The features arrive as JSON text from the database and are spliced in, never re-parsed.
      const head = { type: 'FeatureCollection', ...(matched === undefined ? {} : { numberMatched: matched }), numberReturned: page.numberReturned, timeStamp: new Date().toISOString(), links }
      res.type(GEOJSON_TYPE).send(`${JSON.stringify(head).slice(0, -1)},"features":${page.featuresJson}}`)
    }),
  )

  router.get(
    '/collections/:layer/items/:id',
    handle(async (req, res) => {
      const layer = layerParam(req)
      checkFormat(req.query)
      const id = idParam(req)
      const text = await readFeature(db, layer, id, readScopeOf(req, layer).where)
      if (!text) throw new ApiError(404, 'unknown_feature', `collection ${layer.id} has no feature ${id}`)
      const collection = `${ogcRoot(req)}/collections/${encodeURIComponent(layer.id)}`
      const links: Link[] = [
        { href: `${collection}/items/${id}`, rel: 'self', type: GEOJSON_TYPE, title: 'this feature' },
        { href: collection, rel: 'collection', type: JSON_TYPE, title: 'the collection' },
      ]
      res.type(GEOJSON_TYPE).send(JSON.stringify({ ...(JSON.parse(text) as Record<string, unknown>), links }))
    }),
  )

  return router
}

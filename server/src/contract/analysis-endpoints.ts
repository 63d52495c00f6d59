import { z } from 'zod'
import * as analysis from './analysis.ts'
import * as requests from './analysis-requests.ts'
import { CSV, GEOJSON, JSON_TYPE, type Endpoint } from './endpoint.ts'
import { areaGeometry } from './geojson.ts'

/** The analysis and statistics endpoints. */
export const ANALYSIS_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/analysis/coverage',
    summary: 'patrol coverage per grid cell (an officer: their own cells), with city and station totals; format=csv for the table',
    query: requests.coverageQuery,
    answer: { [GEOJSON]: analysis.coverageAnswer, [CSV]: null },
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/api/analysis/hotspots',
    summary: 'hexagon bins with Getis-Ord Gi* over the points the caller may read (every bin of the area, zero counts included); format=bins for the compact form',
    query: requests.hotspotQuery,
    answer: { [GEOJSON]: analysis.hotspotAnswer, [JSON_TYPE]: analysis.hexagonBins },
    errors: [400],
  },
  {
    method: 'POST',
    path: '/api/analysis/hotspots',
    summary: 'the same over a drawn area (a GeoJSON Polygon, MultiPolygon or a Feature of one in the body)',
    query: requests.hotspotPostQuery,
    body: areaGeometry,
    answer: { [GEOJSON]: analysis.hotspotAnswer, [JSON_TYPE]: analysis.hexagonBins },
    errors: [400, 413],
  },
  {
    method: 'GET',
    path: '/api/analysis/emerging-hotspots',
    summary: "emerging hot spots (Esri's 17 categories): space-time Gi* over hexagon bins × weeks or months, Mann–Kendall on each bin's z series; format=bins for the compact form, csv for a table",
    query: requests.emergingQuery,
    answer: { [GEOJSON]: analysis.emergingAnswer, [JSON_TYPE]: analysis.emergingBins, [CSV]: null },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/analysis/dosage',
    summary: "patrol dosage in hot spots from the units' GPS reports: per hot spot and Beijing day the minutes of presence, visits, full visits, the longest gap and the units, worst first; each station's dosage ratio",
    query: requests.dosageQuery,
    answer: { [JSON_TYPE]: analysis.dosageAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/analysis/density',
    summary: 'quartic kernel density surface (points per km², grid points with density above zero); format=grid for the compact form',
    query: requests.densityQuery,
    answer: { [GEOJSON]: analysis.densityAnswer, [JSON_TYPE]: analysis.densityGrid },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/analysis/seasonal',
    summary: 'the four-seasons screen per grid cell: the focus category of the season, past seasons, cells flagged and ranked, per station',
    query: requests.seasonalQuery,
    answer: { [JSON_TYPE]: analysis.seasonalAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/stats/monthly',
    summary: 'counts per calendar month (Asia/Shanghai) for the hotspot filters, within the caller\'s read scope',
    query: requests.monthlyQuery,
    answer: { [JSON_TYPE]: analysis.monthlyAnswer },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/api/stats/grid-cells',
    summary: 'one row per grid cell (an officer: their own cells): households, open hazards, open and all disputes',
    query: z.strictObject({}),
    answer: { [JSON_TYPE]: analysis.gridCellStatsAnswer },
    errors: [400],
  },
]

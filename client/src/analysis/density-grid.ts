import proj4 from 'proj4'
import type { DensityAnswer, DensityGrid } from '../../../server/src/contract/analysis.ts'

/**
 * The points of a compact density answer (`format=grid`) as the GeoJSON the heat map draws: point
 * (col, row) at the centre of its grid cell, projected to lon/lat by proj4 from the grid's CRS.
 */
export function densityGridToFeatureCollection(answer: DensityGrid): DensityAnswer {
  const toLonLat = proj4(answer.grid.proj4, 'EPSG:4326')
  const cell = answer.grid.cell
  const features = answer.points.map(([col, row, density]): DensityAnswer['features'][number] => {
    const [lon, lat] = toLonLat.forward([(col + 0.5) * cell, (row + 0.5) * cell]) as [number, number]
    return { type: 'Feature', id: `${col}:${row}`, geometry: { type: 'Point', coordinates: [Number(lon.toFixed(6)), Number(lat.toFixed(6))] }, properties: { col, row, density } }
  })
  return { type: 'FeatureCollection', parameters: answer.parameters, summary: answer.summary, features }
}

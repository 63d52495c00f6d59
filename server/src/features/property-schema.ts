import { z } from 'zod'
import type { LayerDef, PropertyDef } from '../../../data/catalog/layers.ts'

function valueSchema(p: PropertyDef): z.ZodType {
  switch (p.type) {
    case 'string':
      if (p.format === 'uuid') return z.uuid()
      return p.values ? z.enum(p.values as [string, ...string[]]) : z.string().max(2000)
    case 'integer':
      return z.number().int().min(-2147483648).max(2147483647)
    case 'number':
      return z.number().finite()
    case 'boolean':
      return z.boolean()
    case 'datetime':
      return z.iso.datetime({ offset: true })
    case 'date':
      return z.iso.date()
    case 'json':
      return z.array(z.unknown()).max(200)
    default:
      return p.type satisfies never
  }
}

export type WriteMode = 'create' | 'update' | 'import'

/**
 * The properties a client may write, from the catalog. Unknown names are errors; system-set
 * names are errors on create/update and ignored on import (exports carry them).
 */
/** The writable properties as a strict object (also what the OpenAPI document shows). */
export function propertiesShapeSchema(layer: LayerDef, mode: WriteMode) {
  const writable = layer.properties.filter((p) => !p.readOnly)
  return z
    .object(
      Object.fromEntries(
        writable.map((p) => {
          const base = valueSchema(p).describe(`${p.label.zh} / ${p.label.en}`)
          return [p.name, p.required && mode !== 'update' ? base : base.nullable().optional()]
        }),
      ),
    )
    .strict()
}

/**
 * The properties a client may write, from the catalog. Unknown names are errors; system-set
 * names are errors on create/update and ignored on import (exports carry them).
 */
export function propertiesSchema(layer: LayerDef, mode: WriteMode) {
  const shape = propertiesShapeSchema(layer, mode)
  const systemSet = new Set(layer.properties.filter((p) => p.readOnly).map((p) => p.name))
  const createOnly = new Set(layer.properties.filter((p) => p.createOnly).map((p) => p.name))
  return z
    .record(z.string(), z.unknown())
    .superRefine((props, ctx) => {
      for (const key of Object.keys(props)) {
        if (mode === 'update' && createOnly.has(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} is given on create only` })
        } else if (systemSet.has(key)) {
          if (mode !== 'import') ctx.addIssue({ code: 'custom', path: [key], message: `${key} is set by the system` })
        } else if (!(key in shape.shape)) ctx.addIssue({ code: 'custom', path: [key], message: `layer ${layer.id} has no property "${key}"` })
      }
    })
    .transform((props) => Object.fromEntries(Object.entries(props).filter(([k]) => !systemSet.has(k))))
    .pipe(shape)
}

/**
 * How one view asks another to open something, without knowing it: a window event. The feature
 * popup (views/feature-popup.ts) opens a feature's popup, the person card (people/person-card.ts)
 * a person's card. Search, popups, lists and cards all ask this way.
 */
export interface OpenFeatureDetail {
  layer: string
  id: number | string
  /** Where the popup points. */
  lngLat: [number, number]
  /** Shown until the feature is read. */
  name?: string
}

export const OPEN_FEATURE = 'pingan:open-feature'
export const OPEN_PERSON = 'pingan:open-person'
export const CLOSE_PERSON = 'pingan:close-person'

export function openFeature(detail: OpenFeatureDetail): void {
  window.dispatchEvent(new CustomEvent<OpenFeatureDetail>(OPEN_FEATURE, { detail }))
}

/** Opens the card of a person of the directory (`officer:125`). */
export function openPerson(key: string): void {
  window.dispatchEvent(new CustomEvent<string>(OPEN_PERSON, { detail: key }))
}

/** Closes the person card (something else was chosen). */
export function closePerson(): void {
  window.dispatchEvent(new Event(CLOSE_PERSON))
}

export function onClosePerson(handler: () => void): void {
  window.addEventListener(CLOSE_PERSON, handler)
}

export function onOpenFeature(handler: (detail: OpenFeatureDetail) => void): void {
  window.addEventListener(OPEN_FEATURE, (e) => handler((e as CustomEvent<OpenFeatureDetail>).detail))
}

export function onOpenPerson(handler: (key: string) => void): void {
  window.addEventListener(OPEN_PERSON, (e) => handler((e as CustomEvent<string>).detail))
}

import type maplibregl from 'maplibre-gl'
import { onClosePerson, onOpenPerson } from './open-events.ts'
import { PersonCard } from './person-card.ts'
import './people.css'

declare global {
  interface Window {
    /** The person card, for the browser tests and the console. */
    pinganPeople?: PersonCard
  }
}

/** The person card, opened by whichever view names a person (popups, search, lists, accounts). */
export function setupPeople(map: maplibregl.Map): PersonCard {
  const card = new PersonCard(map)
  onOpenPerson((key) => card.open(key))
  onClosePerson(() => card.hide())
  window.pinganPeople = card
  return card
}

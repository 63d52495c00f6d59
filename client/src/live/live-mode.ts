import { Toggle } from '../views/toggle.ts'

/** Whether the live command view is on (`live=1` in the URL hash). */
export const liveMode = new Toggle()

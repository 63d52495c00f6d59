import { Toggle } from '../views/toggle.ts'

/** Whether the planner's drawing mode is on (`plan=1` in the URL hash). */
export const planMode = new Toggle()

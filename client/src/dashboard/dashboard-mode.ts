import { Toggle } from '../views/toggle.ts'

/** Whether the dashboard view is open (`view=dashboard` in the URL hash). */
export const dashboardMode = new Toggle()

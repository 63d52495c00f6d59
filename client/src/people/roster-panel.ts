import { ApiError } from '../api/client.ts'
import { errorText } from '../api/error-text.ts'
import { onLangChange, t, type MessageKey } from '../i18n.ts'
import { forgetPeople, peopleApi, type ImportReport, type RejectedRow } from './people-api.ts'
import { PEOPLE_ZH } from './strings.ts'

type Outcome = { kind: 'busy'; name: string } | { kind: 'done'; report: ImportReport } | { kind: 'rejected'; rows: RejectedRow[] } | { kind: 'failed'; err: unknown }

/** One reason of a rejected row, in the page's language (the server's English when the code is new to this page). */
function problemText(p: RejectedRow['problems'][number]): string {
  const key = `people.roster.problem.${p.code}`
  return key in PEOPLE_ZH ? t(key as MessageKey, p.params ?? {}) : p.message
}

/**
 * Importing a roster (administrators): a CSV or XLSX file of people, all rows or none; a
 * refused file lists every rejected row with its reasons.
 */
export function rosterSection(): HTMLElement {
  const box = document.createElement('section')
  box.className = 'admin-roster'
  const title = document.createElement('h3')
  const hint = document.createElement('p')
  // The browser's own file button speaks the browser's language: a button of ours in the page's.
  const label = document.createElement('label')
  label.className = 'tb-btn roster-choose'
  const input = document.createElement('input')
  input.type = 'file'
  input.accept = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
  input.id = 'roster-file'
  const words = document.createElement('span')
  label.append(input, words)
  const report = document.createElement('div')
  report.className = 'roster-report'
  report.setAttribute('role', 'status')
  box.append(title, hint, label, report)
  let outcome: Outcome | null = null

  const render = () => {
    title.textContent = t('people.roster.title')
    hint.textContent = t('people.roster.hint')
    words.textContent = t('people.roster.choose')
    report.classList.toggle('error', outcome?.kind === 'rejected' || outcome?.kind === 'failed')
    if (!outcome) return report.replaceChildren()
    switch (outcome.kind) {
      case 'busy':
        return report.replaceChildren(t('people.roster.importing', { name: outcome.name }))
      case 'done':
        return report.replaceChildren(t('people.roster.done', { imported: outcome.report.imported, created: outcome.report.created, updated: outcome.report.updated }))
      case 'failed':
        return report.replaceChildren(t('people.roster.failed', { message: errorText(outcome.err) }))
      case 'rejected': {
        const ul = document.createElement('ul')
        for (const r of outcome.rows) {
          const li = document.createElement('li')
          li.dataset.row = String(r.row)
          li.textContent = t('people.roster.row', { row: r.row, problems: r.problems.map(problemText).join(t('people.roster.sep')) })
          ul.append(li)
        }
        return report.replaceChildren(t('people.roster.rejected', { n: outcome.rows.length }), ul)
      }
      default:
        return outcome satisfies never
    }
  }

  input.addEventListener('change', () => {
    const file = input.files?.[0]
    if (!file) return
    outcome = { kind: 'busy', name: file.name }
    render()
    peopleApi
      .importRoster(file)
      .then((r) => {
        forgetPeople()
        outcome = { kind: 'done', report: r }
      })
      .catch((err: unknown) => {
        const rows = err instanceof ApiError && err.code === 'import_rejected' ? (err.details as { rejected?: RejectedRow[] } | undefined)?.rejected : undefined
        if (!rows) console.warn('roster import failed:', err)
        outcome = rows ? { kind: 'rejected', rows } : { kind: 'failed', err }
      })
      .finally(() => {
        input.value = ''
        render()
        report.scrollIntoView({ block: 'nearest' })
      })
  })
  onLangChange(render)
  render()
  return box
}

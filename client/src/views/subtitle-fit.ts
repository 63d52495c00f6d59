import { onLangChange } from '../i18n.ts'

/**
 * The top bar's subtitle (辽源市警地融合指挥图) is shown whole or not at all: where the buttons
 * leave it too little room (more of them for some roles, longer words in English) it is hidden
 * instead of cut to "Liaoyuan police–comm…". The brand stays.
 */
/** The narrowest search box the subtitle may leave (px). */
const SEARCH_MIN = 320

export function fitSubtitle(): void {
  const sub = document.querySelector<HTMLElement>('.topbar .sub')
  const bar = document.querySelector<HTMLElement>('.topbar')
  if (!sub || !bar) return
  const search = document.querySelector<HTMLElement>('.topbar .search')
  const fit = () => {
    sub.hidden = false
    // Hidden by the layout (narrow screens): nothing to do.
    if (sub.offsetParent === null) return
    // Cut, or leaving the search too narrow to read what is typed (the brand itself never gives way).
    sub.hidden = sub.scrollWidth > sub.clientWidth + 1 || (search !== null && search.getBoundingClientRect().width < SEARCH_MIN)
  }
  new ResizeObserver(fit).observe(bar)
  // Buttons come and go with the role and the modes; words change with the language.
  new MutationObserver(fit).observe(bar, { childList: true, subtree: true, characterData: true })
  onLangChange(() => requestAnimationFrame(fit))
  fit()
}

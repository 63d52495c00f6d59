import { onLangChange } from '../i18n.ts'

/** The narrowest search box the optional words may leave (px). */
const SEARCH_MIN = 320
/** How many steps of giving way there are (style.css `.topbar[data-fit]`). */
const LEVELS = 3

/**
 * The top bar holds its words whole or not at all. What it must show (the name, the search, the
 * buttons) never gives way; where they leave too little room (a role with many buttons, longer
 * words in English) the optional words give way in steps instead of being cut:
 * 1. the subtitle (辽源市警地融合指挥图), 2. the connection's words (the dot stays, with its
 * title), 3. the account's role. Each step is taken only while the bar overflows or leaves the
 * search narrower than SEARCH_MIN.
 */
export function fitTopbar(): void {
  const bar = document.querySelector<HTMLElement>('.topbar')
  if (!bar) return
  const search = bar.querySelector<HTMLElement>('.search')
  const fits = () => bar.scrollWidth <= bar.clientWidth + 1 && (search === null || search.offsetParent === null || search.getBoundingClientRect().width >= SEARCH_MIN)
  const fit = () => {
    for (let level = 0; level <= LEVELS; level++) {
      bar.dataset.fit = String(level)
      if (fits()) return
    }
  }
  new ResizeObserver(fit).observe(bar)
  // Buttons come and go with the role and the modes; words change with the language and the connection.
  new MutationObserver(fit).observe(bar, { childList: true, subtree: true, characterData: true })
  onLangChange(() => requestAnimationFrame(fit))
  fit()
}

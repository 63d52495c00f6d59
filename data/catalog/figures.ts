/**
 * One name per figure. Every headline number the product shows (the overview panel, the
 * community dashboard and its CSV, `GET /api/stats`) is one of these keys, named here once, in
 * both languages, with what it counts. The SQL that counts each is in one place too
 * (server/src/stats/figures.ts); tests/api/figures.test.ts checks that every screen's number of a
 * key is the same number.
 */
export interface FigureDef {
  zh: string
  en: string
  /** What is counted, in plain words (shown as the figure's tooltip and in the CSV). */
  counts: string
}

export const FIGURES = {
  branches: { zh: '实战化分局', en: 'Police branches', counts: 'police units of kind branch (实战化分局)' },
  stations: { zh: '派出所', en: 'Police stations', counts: 'police units of kind station (派出所)' },
  community_police_offices: { zh: '社区警务室', en: 'Community police offices', counts: 'police units of kind office' },
  community_officers: { zh: '社区（包村）民警', en: 'Community officers', counts: 'officers with the role community officer' },
  auxiliary_officers: { zh: '专职辅警', en: 'Auxiliary officers', counts: 'officers with the role auxiliary' },
  grid_workers: { zh: '网格员', en: 'Grid workers', counts: 'officers with the role grid worker' },
  militia_orgs: { zh: '对接民兵组织', en: 'Militia organisations', counts: 'militia organisations' },
  militia_informants: { zh: '民兵信息员', en: 'Militia informants', counts: 'informants of all militia organisations' },
  volunteer_orgs: { zh: '志愿者组织', en: 'Volunteer organisations', counts: 'volunteer organisations' },
  volunteers: { zh: '平安志愿者', en: 'Safety volunteers', counts: 'registered volunteers' },
  points_activities: { zh: '积分活动', en: 'Points activities', counts: 'volunteer activities that earn points' },
  volunteers_redeemed: { zh: '积分兑换人数', en: 'Volunteers who redeemed', counts: 'volunteers with at least one redemption' },
  redemptions: { zh: '兑换次数', en: 'Redemptions', counts: 'redemptions in the points shop' },
  points_redeemed: { zh: '兑换积分', en: 'Points redeemed', counts: 'points spent in the shop' },
  mediation_rooms: { zh: '矛盾纠纷调解室', en: 'Mediation rooms', counts: 'mediation rooms' },
  disputes: { zh: '矛盾纠纷', en: 'Disputes', counts: 'disputes recorded, any status' },
  disputes_resolved: { zh: '化解矛盾纠纷', en: 'Disputes resolved', counts: 'disputes with the status resolved (dated by when they were resolved)' },
  household_unit_disputes: {
    zh: '十户联防收集矛盾纠纷',
    en: 'Disputes from ten-household units',
    counts: 'disputes whose source is a ten-household unit (the story’s “收集矛盾纠纷信息”)',
  },
  household_unit_reports: {
    zh: '十户联防上报（全部类别）',
    en: 'Ten-household unit reports (all kinds)',
    counts: 'reports of ten-household units of every kind: disputes, hazards and suspicious persons',
  },
  hazards: { zh: '排查风险隐患', en: 'Hazards found', counts: 'hazards recorded, any status (dated by when they were reported)' },
  hazards_open: { zh: '在册隐患', en: 'Open hazards', counts: 'hazards reported, verified or being fixed' },
  hazards_eliminated: { zh: '隐患已销号', en: 'Hazards eliminated', counts: 'hazards with the status eliminated (dated by when)' },
  places_inspected: { zh: '已检查场所', en: 'Places inspected', counts: 'places with an inspection' },
  river_patrols: { zh: '汛期河道巡查', en: 'River patrols', counts: 'river patrol logs' },
  patrol_ebikes: { zh: '警务电动车', en: 'Police e-bikes', counts: 'patrol units of kind e-bike' },
  schools: { zh: '学校', en: 'Schools', counts: 'schools' },
  guard_posts: { zh: '护学岗', en: 'School guard posts', counts: 'school guard posts' },
  incidents: { zh: '警情', en: 'Incidents', counts: 'incidents (110 calls and others)' },
  mediation_cases: { zh: '调解室受理案件', en: 'Mediation cases', counts: 'mediation cases opened' },
  issues_resolved: { zh: '研判会商解决问题', en: 'Issues resolved in meetings', counts: 'issues resolved at coordination meetings' },
} as const satisfies Record<string, FigureDef>

export type FigureKey = keyof typeof FIGURES

export function figureName(key: FigureKey, lang: 'zh' | 'en'): string {
  return FIGURES[key][lang]
}

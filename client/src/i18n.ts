import { FIGURES, type FigureKey } from '../../data/catalog/figures.ts'
import type { Label } from '../../data/catalog/layers.ts'
import { ANALYSIS_EN, ANALYSIS_ZH } from './analysis/strings.ts'
import { ERRORS_EN, ERRORS_ZH } from './api/strings.ts'
import { AUTH_EN, AUTH_ZH } from './auth/strings.ts'
import { DASHBOARD_EN, DASHBOARD_ZH } from './dashboard/strings.ts'
import { LIVE_EN, LIVE_ZH } from './live/strings.ts'
import { OFFICER_EN, OFFICER_ZH } from './officer/strings.ts'
import { PEOPLE_EN, PEOPLE_ZH } from './people/strings.ts'
import { PLANNER_EN, PLANNER_ZH } from './planner/strings.ts'
import { VOLUNTEER_EN, VOLUNTEER_ZH } from './volunteer/strings.ts'

/** Simplified Chinese first; every UI string exists in both languages (the type checks it). */
export type Lang = 'zh' | 'en'

const zh = {
  'app.title': '平安网格 · 辽源市警地融合指挥图',
  'brand': '平安网格',
  'brand.sub': '辽源市警地融合指挥图',
  'map.label': '辽源市地图',
  'status.connecting': '连接中…',
  'status.embedded': '内置数据库',
  'status.postgres': 'PostgreSQL',
  'status.unavailable': '数据库不可用：{message}',
  'lang.switch': 'EN',
  'lang.switch.label': 'Switch to English',
  'panel.layers': '图层',
  'panel.headlines': '概况',
  'panel.collapse': '收起',
  'panel.expand': '展开',
  'headlines.title': '警地融合 · 工作概况',
  'headlines.failed': '统计加载失败：{message}',
  'group.basemap': '底图',
  'group.reference': '基础地理',
  'group.police': '公安与网格',
  'group.community': '社区治理',
  'group.patrol': '巡逻防控',
  'group.safety': '安全防范',
  'layer.opacity': '{title}透明度',
  'layer.toggle': '显示{title}',
  'layer.fromZoom': '{zoom}级起',
  'basemap.labels': '地名注记',
  'basemap.raster': '在线底图：{name}',
  'basemap.datumWarning': '坐标系为 {datum}，与本图 WGS84 数据有偏移',
  'measure.title': '网格着色',
  'measure.none': '不着色',
  'measure.households': '户数',
  'measure.population': '人口',
  'measure.legend': '{measure}（每网格）',
  'search.placeholder': '搜索地名、网格、单位、学校、人员（可用拼音）',
  'search.label': '搜索',
  'search.searching': '搜索中…',
  'search.none': '没有找到“{q}”',
  'search.failed': '搜索失败：{message}',
  'search.kind.grid': '网格',
  'popup.loading': '加载中…',
  'popup.failed': '详情加载失败：{message}',
  'popup.cluster': '此处共 {count} 条{title}',
  'popup.zoomIn': '放大查看',
  'popup.close': '关闭',
  'value.yes': '是',
  'value.no': '否',
  'value.empty': '—',
  'value.everyDay': '每天',
  'value.weekdays': '周{days}',
  'value.dayNames': '一,二,三,四,五,六,日',
  'value.unit': '巡逻单元 #{id}',
  'attribution.datum': '坐标系：WGS84',
  'attribution.sources': '边界：DataV/高德（GCJ-02→WGS84 转换）；区划：国家统计局 2023',
  'attribution.basemap': '底图：{name}（{datum}）',
  ...ANALYSIS_ZH,
  ...LIVE_ZH,
  ...AUTH_ZH,
  ...OFFICER_ZH,
  ...PEOPLE_ZH,
  ...VOLUNTEER_ZH,
  ...DASHBOARD_ZH,
  ...PLANNER_ZH,
  ...ERRORS_ZH,
} as const

export type MessageKey = keyof typeof zh

const en: Record<MessageKey, string> = {
  'app.title': "Ping'an Grid · Liaoyuan police–community command map",
  'brand': "Ping'an Grid",
  'brand.sub': 'Liaoyuan police–community command map',
  'map.label': 'Map of Liaoyuan',
  'status.connecting': 'Connecting…',
  'status.embedded': 'Embedded database',
  'status.postgres': 'PostgreSQL',
  'status.unavailable': 'Database unavailable: {message}',
  'lang.switch': '中文',
  'lang.switch.label': '切换到中文',
  'panel.layers': 'Layers',
  'panel.headlines': 'Figures',
  'panel.collapse': 'Collapse',
  'panel.expand': 'Expand',
  'headlines.title': 'Police and community at a glance',
  'headlines.failed': 'Could not load the figures: {message}',
  'group.basemap': 'Basemap',
  'group.reference': 'Reference',
  'group.police': 'Police and grid',
  'group.community': 'Community',
  'group.patrol': 'Patrols',
  'group.safety': 'Safety',
  'layer.opacity': '{title} opacity',
  'layer.toggle': 'Show {title}',
  'layer.fromZoom': 'from z{zoom}',
  'basemap.labels': 'Place labels',
  'basemap.raster': 'Online basemap: {name}',
  'basemap.datumWarning': 'Datum {datum}: offset from this map’s WGS84 data',
  'measure.title': 'Colour grid cells by',
  'measure.none': 'None',
  'measure.households': 'Households',
  'measure.population': 'Population',
  'measure.legend': '{measure} per grid cell',
  'search.placeholder': 'Search places, cells, units, schools, people',
  'search.label': 'Search',
  'search.searching': 'Searching…',
  'search.none': 'Nothing found for “{q}”',
  'search.failed': 'Search failed: {message}',
  'search.kind.grid': 'Grid cell',
  'popup.loading': 'Loading…',
  'popup.failed': 'Could not load the details: {message}',
  'popup.cluster': '{count} {title} here',
  'popup.zoomIn': 'Zoom in',
  'popup.close': 'Close',
  'value.yes': 'Yes',
  'value.no': 'No',
  'value.empty': '—',
  'value.everyDay': 'daily',
  'value.weekdays': '{days}',
  'value.dayNames': 'Mon,Tue,Wed,Thu,Fri,Sat,Sun',
  'value.unit': 'Patrol unit #{id}',
  'attribution.datum': 'Datum: WGS84',
  'attribution.sources': 'Boundaries: DataV/AutoNavi (GCJ-02→WGS84); divisions: National Bureau of Statistics 2023',
  'attribution.basemap': 'Basemap: {name} ({datum})',
  ...ANALYSIS_EN,
  ...LIVE_EN,
  ...AUTH_EN,
  ...OFFICER_EN,
  ...PEOPLE_EN,
  ...VOLUNTEER_EN,
  ...DASHBOARD_EN,
  ...PLANNER_EN,
  ...ERRORS_EN,
}

const MESSAGES: Record<Lang, Record<MessageKey, string>> = { zh, en }

/**
 * Words for the catalog's allowed values (and the admin-area `kind`s, which are Chinese in the
 * data). Keys are `value` or, where one value means different things, `layer.property.value`.
 */
const VALUES: Record<string, Label> = {
  // admin levels and kinds
  city: { zh: '市', en: 'City' }, district: { zh: '区/县', en: 'District/county' }, town: { zh: '乡镇/街道', en: 'Town/street' }, village: { zh: '村/社区', en: 'Village/community' },
  '市': { zh: '市', en: 'City' }, '区': { zh: '区', en: 'District' }, '县': { zh: '县', en: 'County' }, '镇': { zh: '镇', en: 'Town' },
  '乡': { zh: '乡', en: 'Township' }, '街道': { zh: '街道', en: 'Street office' }, '村': { zh: '村', en: 'Village' }, '社区': { zh: '社区', en: 'Community' },
  // police units and mediation rooms
  bureau: { zh: '市公安局', en: 'City bureau' }, branch: { zh: '分局', en: 'Branch bureau' }, county_bureau: { zh: '县公安局', en: 'County bureau' },
  station: { zh: '派出所', en: 'Police station' }, office: { zh: '警务室', en: 'Community police office' },
  'mediation-rooms.kind.village': { zh: '村（社区）调解室', en: 'Village mediation room' },
  // hazards
  manhole: { zh: '井盖', en: 'Manhole cover' }, small_venue: { zh: '九小场所', en: 'Small venue' }, fire: { zh: '消防', en: 'Fire' }, flood: { zh: '防汛', en: 'Flood' },
  traffic: { zh: '交通', en: 'Traffic' }, building: { zh: '房屋建筑', en: 'Building' }, electric: { zh: '用电', en: 'Electrical' }, other: { zh: '其他', en: 'Other' },
  reported: { zh: '已上报', en: 'Reported' }, verified: { zh: '已核实', en: 'Verified' }, rectifying: { zh: '整改中', en: 'Being fixed' },
  eliminated: { zh: '已销号', en: 'Eliminated' }, rejected: { zh: '不予受理', en: 'Rejected' },
  online: { zh: '线上', en: 'Online' }, offline: { zh: '线下', en: 'Offline' },
  // disputes
  land: { zh: '土地（耕地）纠纷', en: 'Land' }, neighbour: { zh: '邻里纠纷', en: 'Neighbours' }, family: { zh: '家庭纠纷', en: 'Family' }, lending: { zh: '民间借贷', en: 'Private lending' },
  mediating: { zh: '调解中', en: 'Mediating' }, resolved: { zh: '已化解', en: 'Resolved' }, escalated: { zh: '已上交', en: 'Escalated' },
  household_unit: { zh: '十户联防', en: 'Ten-household unit' }, '110': { zh: '110', en: '110 call' }, '12345': { zh: '12345 热线', en: '12345 hotline' },
  patrol: { zh: '巡逻发现', en: 'Patrol' }, walk_in: { zh: '来访', en: 'Walk-in' },
  spring: { zh: '春季', en: 'Spring' }, summer: { zh: '夏季', en: 'Summer' }, autumn: { zh: '秋季', en: 'Autumn' }, winter: { zh: '冬季', en: 'Winter' },
  // patrols
  foot: { zh: '步巡', en: 'On foot' }, ebike: { zh: '电动车巡', en: 'E-bike' }, car: { zh: '车巡', en: 'Car' }, 'patrol-routes.kind.traffic': { zh: '交警巡逻', en: 'Traffic police' },
  'patrols.kind.traffic': { zh: '交警巡逻', en: 'Traffic police' }, school_guard: { zh: '护学岗', en: 'School guard' }, volunteer: { zh: '志愿巡逻', en: 'Volunteers' }, river: { zh: '河道巡查', en: 'River patrol' },
  'rivers.kind.river': { zh: '河流', en: 'River' },
  // incidents
  theft: { zh: '盗窃', en: 'Theft' }, fight: { zh: '打架斗殴', en: 'Fight' }, fraud: { zh: '诈骗', en: 'Fraud' }, noise: { zh: '噪音扰民', en: 'Noise' },
  dispute: { zh: '纠纷', en: 'Dispute' }, help: { zh: '求助', en: 'Help' }, open: { zh: '待处置', en: 'Open' }, dispatched: { zh: '已派警', en: 'Dispatched' }, closed: { zh: '已办结', en: 'Closed' },
  // places and schools
  shop: { zh: '小商店', en: 'Shop' }, restaurant: { zh: '小餐饮', en: 'Restaurant' }, inn: { zh: '小旅馆', en: 'Inn' }, internet_cafe: { zh: '小网吧', en: 'Internet café' },
  salon: { zh: '小美容洗浴', en: 'Salon' }, entertainment: { zh: '小歌舞娱乐', en: 'Entertainment' }, clinic: { zh: '小诊所', en: 'Clinic' },
  training: { zh: '小学校（培训班）', en: 'Training centre' }, workshop: { zh: '小加工作坊', en: 'Workshop' },
  pass: { zh: '合格', en: 'Passed' }, fail: { zh: '不合格', en: 'Failed' }, rectified: { zh: '已整改', en: 'Rectified' },
  primary: { zh: '小学', en: 'Primary school' }, middle: { zh: '初中', en: 'Middle school' }, high: { zh: '高中', en: 'High school' },
  college: { zh: '高校', en: 'College' }, kindergarten: { zh: '幼儿园', en: 'Kindergarten' }, vocational: { zh: '职业学校', en: 'Vocational school' },
}

let current: Lang = 'zh'
const listeners = new Set<(lang: Lang) => void>()

export function getLang(): Lang {
  return current
}

export function isLang(x: unknown): x is Lang {
  return x === 'zh' || x === 'en'
}

/** Switches the language and tells every view to re-render its words. */
export function setLang(lang: Lang): void {
  if (lang === current) return
  current = lang
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
  for (const cb of listeners) cb(lang)
}

export function onLangChange(cb: (lang: Lang) => void): () => void {
  listeners.add(cb)
  return () => listeners.delete(cb)
}

/** A UI message with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return MESSAGES[current][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}

/** A catalog label (layer title, property label) in the current language. */
/** A headline figure's one name (data/catalog/figures.ts), in the UI's language. */
export function figureLabel(key: FigureKey): string {
  return FIGURES[key][current]
}

export function label(l: Label): string {
  return l[current]
}

/** An allowed value in plain words, or the value itself when it has none. */
export function valueLabel(layerId: string, property: string, value: string): string {
  const words = VALUES[`${layerId}.${property}.${value}`] ?? VALUES[value]
  return words ? words[current] : value
}

const locale = () => (current === 'zh' ? 'zh-CN' : 'en-GB')

export function formatNumber(n: number, maximumFractionDigits = 2): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits }).format(n)
}

/** Instants are shown in Beijing time, whatever the viewer's clock says. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(locale(), {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(d)
}

/** The clock time alone (Beijing time), for a second instant on the same day as the first. */
export function formatTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(locale(), { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d)
}

export function formatDate(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(locale(), { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'short', day: 'numeric' }).format(d)
}

/** MapLibre's own control strings (zoom buttons, scale, popup close), per language. */
const MAPLIBRE_UI: Record<Lang, Record<string, string>> = {
  zh: {
    'AttributionControl.ToggleAttribution': '显示或隐藏数据来源',
    'Map.Title': '地图',
    'NavigationControl.ZoomIn': '放大',
    'NavigationControl.ZoomOut': '缩小',
    'NavigationControl.ResetBearing': '恢复正北',
    'Popup.Close': '关闭',
    'ScaleControl.Meters': '米',
    'ScaleControl.Kilometers': '公里',
  },
  en: {
    'AttributionControl.ToggleAttribution': 'Show or hide the data sources',
    'Map.Title': 'Map',
    'NavigationControl.ZoomIn': 'Zoom in',
    'NavigationControl.ZoomOut': 'Zoom out',
    'NavigationControl.ResetBearing': 'Reset to north',
    'Popup.Close': 'Close',
    'ScaleControl.Meters': 'm',
    'ScaleControl.Kilometers': 'km',
  },
}

export function maplibreLocale(lang: Lang = current): Record<string, string> {
  return MAPLIBRE_UI[lang]
}

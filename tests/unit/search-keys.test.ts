import { describe, expect, it } from 'vitest'
import { codeScore, nameKeys, nameScore, normaliseQuery } from '../../server/src/search/search-keys.ts'

/** The search box's matching (issue 15, item 5): Chinese, full pinyin, initials, codes. */
describe('search keys', () => {
  it('reads names in pinyin by word, and a person\u2019s surname as a surname', () => {
    expect(nameKeys('仙城分局')).toEqual({ name: '仙城分局', full: 'xianchengfenju', starts: [0, 4, 9, 12], initials: 'xcfj' })
    expect(nameKeys('长寿社区').full).toBe('changshoushequ')
    expect(nameKeys('吕梁村').full).toBe('lvliangcun')
    expect(nameKeys('单雄信', true).full).toBe('shanxiongxin')
    expect(nameKeys('仙城社区第1网格').initials).toBe('xcsqd1wg')
  })

  it('normalises what is typed: case, full-width letters, spaces and apostrophes', () => {
    expect(normaliseQuery(' Xi\u2019an Cheng ')).toBe('xiancheng')
    expect(normaliseQuery('ＸＣ')).toBe('xc')
  })

  it('ranks equal over prefix over a syllable inside, and never matches inside a syllable', () => {
    const k = nameKeys('辽源市公安局仙城分局')
    const alias = nameKeys('仙城分局')
    expect(nameScore(alias, 'xianchengfenju')).toBe(98)
    expect(nameScore(alias, 'xcfj')).toBe(95)
    expect(nameScore(alias, 'xiancheng')).toBe(85)
    expect(nameScore(alias, 'xc')).toBe(75)
    expect(nameScore(k, 'fenju')).toBe(55)
    expect(nameScore(k, 'heng')).toBe(0)
    expect(nameScore(k, 'cfj')).toBe(45)
    // Two letters that are a whole name's initials are no better than a prefix.
    expect(nameScore(nameKeys('熊春', true), 'xc')).toBe(75)
  })

  it('matches Chinese as equal, prefix, suffix or inside', () => {
    const k = nameKeys('辽源市第五中学')
    expect(nameScore(k, '辽源市第五中学')).toBe(100)
    expect(nameScore(k, '辽源')).toBe(80)
    expect(nameScore(k, '第五中学')).toBe(70)
    expect(nameScore(k, '第五')).toBe(60)
    expect(nameScore(k, '第六')).toBe(0)
  })

  it('matches codes whole, or by a prefix of four characters or more', () => {
    expect(codeScore('220402003002-01', '220402003002-01')).toBe(100)
    expect(codeScore('220402003002-01', '2204')).toBe(70)
    expect(codeScore('220402003002-01', '220')).toBe(0)
    expect(codeScore(null, '2204')).toBe(0)
  })
})

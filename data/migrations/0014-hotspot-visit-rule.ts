import type { Kysely } from 'kysely'
import { runDdl } from './run-ddl.ts'

/**
 * The fourth alert rule: a hot cell of the incident hotspot analysis that no unit has visited
 * (stayed in for `dwell_min` minutes, Koper's 10–15 minute stop) for `hours`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_check;
    ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_kind_check CHECK (kind IN ('guard_post_unmanned', 'left_zone', 'river_overdue', 'hotspot_unvisited'));
    INSERT INTO alert_rules (kind, title, params) VALUES
      ('hotspot_unvisited', '热点长时间无人驻巡',
       '{"hours": 8, "dwell_min": 10, "max_gap_s": 300, "cell_m": 500, "lookback_days": 90, "min_confidence": 99, "keep_confidence": 90, "max_cells": 20}');
  `)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, `
    DELETE FROM alert_rules WHERE kind = 'hotspot_unvisited';
    ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_check;
    ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_kind_check CHECK (kind IN ('guard_post_unmanned', 'left_zone', 'river_overdue'));
  `)
}

import type { Migration, MigrationProvider } from 'kysely/migration'
import * as m0001 from './0001-postgis.ts'
import * as m0002 from './0002-admin-and-police.ts'
import * as m0003 from './0003-grids.ts'
import * as m0004 from './0004-patrol.ts'
import * as m0005 from './0005-rivers.ts'
import * as m0006 from './0006-safety.ts'
import * as m0007 from './0007-volunteers.ts'
import * as m0008 from './0008-users-and-audit.ts'
import * as m0009 from './0009-point-assignment.ts'
import * as m0010 from './0010-codes-and-seasons.ts'
import * as m0011 from './0011-live-events.ts'
import * as m0012 from './0012-alerts.ts'
import * as m0013 from './0013-layer-change-notify.ts'
import * as m0014 from './0014-hotspot-visit-rule.ts'
import * as m0015 from './0015-auth.ts'
import * as m0016 from './0016-community.ts'
import * as m0017 from './0017-community-reports-mediation-meetings.ts'
import * as m0018 from './0018-client-ref.ts'
import * as m0019 from './0019-household-dispute-reports.ts'
import * as m0020 from './0020-district-keys.ts'
import * as m0021 from './0021-dispute-photos.ts'
import * as m0022 from './0022-people-directory.ts'

/** Every migration in order. A static list, so bundlers and tsx need no directory scan. */
export const migrations: Record<string, Migration> = {
  '0001-postgis': m0001,
  '0002-admin-and-police': m0002,
  '0003-grids': m0003,
  '0004-patrol': m0004,
  '0005-rivers': m0005,
  '0006-safety': m0006,
  '0007-volunteers': m0007,
  '0008-users-and-audit': m0008,
  '0009-point-assignment': m0009,
  '0010-codes-and-seasons': m0010,
  '0011-live-events': m0011,
  '0012-alerts': m0012,
  '0013-layer-change-notify': m0013,
  '0014-hotspot-visit-rule': m0014,
  '0015-auth': m0015,
  '0016-community': m0016,
  '0017-community-reports-mediation-meetings': m0017,
  '0018-client-ref': m0018,
  '0019-household-dispute-reports': m0019,
  '0020-district-keys': m0020,
  '0021-dispute-photos': m0021,
  '0022-people-directory': m0022,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}

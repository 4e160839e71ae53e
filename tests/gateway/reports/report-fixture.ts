/**
 * A chilled room simulated for six hours with the firmware-sim model: a door left open for 40 minutes
 * from hour 2 (an excursion and a door alarm), written to a local readings store and run through the
 * alarm engine into a records store, with an acknowledged and closed alarm and a calibration record.
 */
import { join } from 'node:path';
import { ColdRoomModel } from '../../../firmware-sim/physics/cold-room-model.js';
import { CHILLED_ROOM } from '../../../firmware-sim/physics/cold-room-params.js';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { AlarmEngine } from '../../../gateway/alarms/alarm-engine.js';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { registerCalibration } from '../../../gateway/calibration/calibration-register.js';
import { LocalStore } from '../../../gateway/outputs/local-store.js';
import type { Reading } from '../../../gateway/reading.js';
import { endShipment, startShipment } from '../../../gateway/reports/shipment.js';
import { modelReading } from '../alarms/scenario-harness.js';

export const FIXTURE_START_MS = Date.UTC(2026, 11, 1, 0, 0, 0);
export const STEP_MS = 60_000;
export const STEPS = 360;

export interface ReportFixture {
  store: string;
  records: string;
  readings: Reading[];
  /** Window that gives every reading one step of weight: [start, last reading + one step]. */
  from_ms: number;
  to_ms: number;
}

/** Builds the stores in `directory` and returns their paths and the readings written. */
export function buildReportFixture(directory: string): ReportFixture {
  const model = new ColdRoomModel(
    { ...CHILLED_ROOM, door_openings_per_h: 0, defrost_interval_s: 0 },
    { seed: 5, start_ms: FIXTURE_START_MS },
  );
  const readings: Reading[] = [];
  for (let step = 0; step < STEPS; step++) {
    if (step === 120) model.openDoor(40 * 60);
    model.step(STEP_MS / 1000);
    readings.push(modelReading(model.state));
  }
  const store = join(directory, 'readings.sqlite');
  const local = new LocalStore({ path: store, retention_days: 3650 });
  local.write(readings);
  local.close();

  const records = join(directory, 'records.sqlite');
  const db = openRecordsDatabase(records);
  const trail = new AuditTrail(db);
  const config = alarmConfigSchema.parse({ assets: [{ id: 'room-1', class: 'chilled', rate: { enabled: false } }] });
  const engine = new AlarmEngine({ config, store: new AlarmStore(db), audit: trail, clock: () => FIXTURE_START_MS });
  for (const reading of readings) engine.handleReading(reading);
  const door = engine.openAlarms().find((alarm) => alarm.rule === 'door_open');
  if (door) {
    engine.acknowledge(door.id, 'wang.fang', 'door wedged open by a pallet', door.raised_ms + 120_000);
    engine.comment(door.id, 'olga', 'ΔT 6 K, проверено', door.raised_ms + 180_000);
    engine.close(
      door.id,
      { by: 'otto', on_behalf_of: 'Li Wei' },
      'pallet moved, product core checked at 4.2 C, released',
      door.raised_ms + 3_600_000,
    );
  }
  registerCalibration(
    trail,
    {
      probe: 'ctl-1/air_temp_c',
      certificate: 'CAL-2026-0117',
      calibrated_on: '2026-01-10',
      due_on: '2027-01-10',
      offset_c: -0.1,
      by: 'qa',
    },
    FIXTURE_START_MS,
  );
  startShipment(trail, { shipment_id: 'SH-1', asset: 'room-1', by: 'driver', time_ms: FIXTURE_START_MS + 3_600_000 });
  endShipment(trail, { shipment_id: 'SH-1', by: 'driver', time_ms: FIXTURE_START_MS + 7_200_000 });
  db.close();
  const last = readings[readings.length - 1]?.time_ms ?? FIXTURE_START_MS;
  return { store, records, readings, from_ms: FIXTURE_START_MS, to_ms: last + STEP_MS };
}

import { describe, expect, it } from 'vitest';
import { ColdRoomModel } from '../../../firmware-sim/physics/cold-room-model.js';
import {
  REEFER_CHILLED_COMPARTMENT,
  REEFER_FROZEN_COMPARTMENT,
} from '../../../firmware-sim/physics/cold-room-params.js';
import type { Reading } from '../../../gateway/reading.js';
import { START_MS, startEngine } from './scenario-harness.js';

const MIN = 60;

/** Deliveries: the doors open at these minutes for the given minutes, and refrigeration stops meanwhile. */
type Stops = Array<[number, number]>;

function truckReadings(time_ms: number, door_open: boolean, compartments: Array<[string, ColdRoomModel]>): Reading[] {
  const base = { integer_fields: new Set<string>(), time_ms, time_source: 'source' as const, measurement: 'reefer' };
  return [
    { ...base, tags: { site: 'fleet', asset: 'truck-1', device: 'tel-1' }, fields: { door_open, unit_on: !door_open } },
    ...compartments.map(([id, model]) => ({
      ...base,
      tags: { site: 'fleet', asset: 'truck-1', device: 'tel-1', compartment: id },
      fields: { box_temp_c: Math.round(model.state.air_c * 100) / 100 },
    })),
  ];
}

/** Drives a two-compartment reefer for three hours with the given stops; returns raised alarms as asset/rule. */
function deliveryRound(stops: Stops, door: Record<string, unknown>): string[] {
  const harness = startEngine({
    assets: [
      {
        id: 'truck-1/front',
        kind: 'truck_compartment',
        class: 'frozen',
        match: { asset: 'truck-1', compartment: 'front' },
        door,
      },
      {
        id: 'truck-1/rear',
        kind: 'truck_compartment',
        class: 'chilled',
        match: { asset: 'truck-1', compartment: 'rear' },
        door,
      },
    ],
  });
  const compartments: Array<[string, ColdRoomModel]> = [
    [
      'front',
      new ColdRoomModel({ ...REEFER_FROZEN_COMPARTMENT, defrost_interval_s: 0 }, { seed: 2, start_ms: START_MS }),
    ],
    [
      'rear',
      new ColdRoomModel({ ...REEFER_CHILLED_COMPARTMENT, defrost_interval_s: 0 }, { seed: 3, start_ms: START_MS }),
    ],
  ];
  for (let minute = 0; minute < 180; minute++) {
    const open = stops.some(([at, length]) => minute >= at && minute < at + length);
    for (const [, model] of compartments) {
      model.setRefrigerationEnabled(!open);
      if (open) model.openDoor(MIN);
      model.step(MIN);
    }
    const time_ms = START_MS + (minute + 1) * MIN * 1000;
    harness.now.ms = time_ms;
    for (const reading of truckReadings(time_ms, open, compartments)) harness.engine.handleReading(reading);
    harness.engine.tick(time_ms);
  }
  return harness.transitions.filter((t) => t.transition === 'raised').map((t) => `${t.alarm.asset}/${t.alarm.rule}`);
}

const DELIVERIES: Stops = [
  [30, 4],
  [70, 3],
  [110, 4],
  [150, 3],
];

describe('reefer delivery round', () => {
  it('short deliveries raise nothing', () => {
    expect(deliveryRound(DELIVERIES, {})).toEqual([]);
  });

  it('short deliveries alarm without door suppression', () => {
    expect(deliveryRound(DELIVERIES, { suppress_max_s: 0, grace_s: 0 }).length).toBeGreaterThan(0);
  });

  it('stops every 6-7 minutes raise temperature alarms', () => {
    // A town tour: the door opens for a minute at every stop, before the 30 min grace of the last stop ends.
    const tour: Stops = Array.from({ length: 27 }, (_, stop) => [Math.floor(stop * 6.5), 1]);
    const raised = deliveryRound(tour, {});
    expect(raised).toContain('truck-1/front/high_critical');
    expect(raised).toContain('truck-1/rear/high_alarm');
    expect(raised).not.toContain('truck-1/front/door_open');
  });

  it('doors left open alarm in both compartments', () => {
    const raised = deliveryRound([[30, 25]], { max_open_s: 600 });
    expect(raised.slice(0, 2).sort()).toEqual(['truck-1/front/door_open', 'truck-1/rear/door_open']);
  });
});

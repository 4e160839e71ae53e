import { describe, expect, it } from 'vitest';
import { ColdRoomModel } from '../../../firmware-sim/physics/cold-room-model.js';
import { CHILLED_ROOM, FROZEN_ROOM } from '../../../firmware-sim/physics/cold-room-params.js';
import { raisedRules, runModel, START_MS, startEngine, temperatureReading } from './scenario-harness.js';

const MIN = 60;

/** Frozen room with a tight warning, so that a defrost would raise it if nothing suppressed it. */
function frozenRoomConfig(defrost: Record<string, unknown> = {}) {
  return {
    assets: [
      {
        id: 'room-1',
        class: 'frozen',
        rules: [{ direction: 'high', level: 'warning', threshold_c: -16, on_delay_s: 5 * MIN }],
        rate: { enabled: false },
        defrost,
      },
    ],
  };
}

function frozenModel() {
  return new ColdRoomModel(
    { ...FROZEN_ROOM, door_openings_per_h: 0 },
    { seed: 3, start_ms: START_MS, first_defrost_s: 60 * MIN },
  );
}

/** Runs a chilled room whose door opens at minute 30 for `open_s` seconds; returns the engine harness. */
function chilledDoorRun(asset: Record<string, unknown>, open_s: number, duration_s: number) {
  const harness = startEngine({ assets: [{ id: 'room-1', class: 'chilled', rate: { enabled: false }, ...asset }] });
  const model = new ColdRoomModel(
    { ...CHILLED_ROOM, door_openings_per_h: 0, defrost_interval_s: 0 },
    { seed: 3, start_ms: START_MS },
  );
  runModel(harness, model, duration_s, {
    beforeStep: (elapsed) => {
      if (elapsed === 30 * MIN) model.openDoor(open_s);
    },
  });
  return harness;
}

/** Opens the door of a chilled room for 4 minutes and returns the raised rules. */
function shortDoorOpening(door: Record<string, unknown>): string[] {
  const rules = [{ direction: 'high', level: 'warning', threshold_c: 4, on_delay_s: 2 * MIN }];
  return raisedRules(chilledDoorRun({ rules, door }, 4 * MIN, 120 * MIN));
}

describe('alarm scenarios', () => {
  it('defrost reported by the controller raises nothing', () => {
    const harness = startEngine(frozenRoomConfig());
    runModel(harness, frozenModel(), 4 * 3600);
    expect(raisedRules(harness)).toEqual([]);
  });

  it('defrost inferred from the coil raises nothing', () => {
    const harness = startEngine(frozenRoomConfig());
    runModel(harness, frozenModel(), 4 * 3600, { defrost_field: false });
    expect(raisedRules(harness)).toEqual([]);
  });

  it('defrost without suppression raises the warning', () => {
    const harness = startEngine(frozenRoomConfig({ grace_s: 0, infer: { enabled: false } }));
    runModel(harness, frozenModel(), 4 * 3600, { defrost_field: false });
    expect(raisedRules(harness).length).toBeGreaterThan(0);
  });

  it('door left open raises the door alarm first', () => {
    const rules = [{ direction: 'high', level: 'warning', threshold_c: 5, on_delay_s: 5 * MIN }];
    const door = { max_open_s: 5 * MIN, suppress_max_s: 15 * MIN };
    const harness = chilledDoorRun({ rules, door }, 3600, 90 * MIN);
    const raised = raisedRules(harness);
    expect(raised[0]).toBe('door_open@36');
    const temperature = harness.transitions.find((t) => t.transition === 'raised' && t.alarm.rule === 'high_warning');
    expect(temperature).toBeDefined();
    // Suppression lasts 15 min from the opening, then the 5 min on-delay runs.
    expect(temperature?.time_ms).toBeGreaterThanOrEqual(START_MS + (30 + 15 + 5) * MIN * 1000);
  });

  it('short door opening raises nothing', () => {
    expect(shortDoorOpening({})).toEqual([]);
  });

  it('short door opening without suppression alarms', () => {
    expect(shortDoorOpening({ suppress_max_s: 0, grace_s: 0 }).length).toBe(1);
  });

  it('compressor failure raises rate before threshold', () => {
    const harness = startEngine({
      assets: [
        {
          id: 'room-1',
          class: 'chilled',
          rules: [{ direction: 'high', level: 'alarm', threshold_c: 4, on_delay_s: 10 * MIN }],
          rate: { rate_c_per_min: 0.02, window_s: 30 * MIN },
        },
      ],
    });
    const model = new ColdRoomModel(
      { ...CHILLED_ROOM, door_openings_per_h: 0, defrost_interval_s: 0 },
      { seed: 3, start_ms: START_MS },
    );
    runModel(harness, model, 5 * 3600, {
      beforeStep: (elapsed) => {
        if (elapsed === 3 * 3600) model.setRefrigerationEnabled(false);
      },
    });
    const raised = raisedRules(harness);
    expect(raised.map((entry) => entry.split('@')[0])).toEqual(['rate_of_rise', 'high_alarm']);
    const rateMinute = Number(raised[0]?.split('@')[1]);
    expect(rateMinute).toBeGreaterThan(180);
    expect(rateMinute).toBeLessThan(180 + 30);
  });

  it('value hovering at threshold does not flap', () => {
    const config = (clear_margin_c: number, clear_delay_s: number) => ({
      assets: [
        {
          id: 'room-1',
          class: 'chilled',
          rules: [
            { direction: 'high', level: 'warning', threshold_c: 5, on_delay_s: 0, clear_margin_c, clear_delay_s },
          ],
          rate: { enabled: false },
        },
      ],
    });
    const hover = (harness: ReturnType<typeof startEngine>) => {
      for (let minute = 0; minute < 240; minute++) {
        const air_c = 5 + 0.2 * Math.sin((minute / 4) * Math.PI) + (minute % 3 === 0 ? 0.05 : -0.05);
        harness.engine.handleReading(temperatureReading(START_MS + minute * 60_000, air_c));
      }
      return raisedRules(harness).length;
    };
    expect(hover(startEngine(config(0.5, 120)))).toBe(1);
    expect(hover(startEngine(config(0, 0)))).toBeGreaterThan(10);
  });
});

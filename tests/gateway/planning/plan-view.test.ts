import { describe, expect, it } from 'vitest';
import { planView } from '../../../gateway/planning/plan-view.js';
import { clockSchema } from '../../../scheduler/model/clock.js';
import { planRound } from '../../../scheduler/plan-round.js';
import { order, smallScenario } from '../../scheduler/small-scenario.js';

// The pickup window opens an hour after the shift starts, so the truck leaves the depot late, and the
// delivery window opens long after the truck can reach the village, so it waits there.
const scenario = smallScenario({
  orders: [
    order('o1', {
      pickup_window: { start: '18:00', end: '21:00' },
      delivery_window: { start: '20:00', end: '23:00' },
    }),
  ],
});
const plan = planView('plan-1', 0, scenario, planRound(scenario));
const [route] = plan.routes;
const stops = route?.stops ?? [];
const parseClock = (text: string) => clockSchema.parse(text);

describe('plan view stop times', () => {
  it('plans the single order', () => {
    expect(plan.routes).toHaveLength(1);
    expect(stops.map((stop) => stop.kind)).toEqual(['depot', 'pickup', 'delivery', 'depot']);
  });

  it('leaves the depot before the first arrival', () => {
    expect(parseClock(stops[0]!.departure)).toBeLessThanOrEqual(parseClock(stops[1]!.arrival));
  });

  it('reaches the first stop when its window opens', () => {
    expect(stops[1]!.arrival).toBe('18:00');
    expect(stops[1]!.service_start).toBe('18:00');
  });

  it('waits for the delivery window', () => {
    expect(parseClock(stops[2]!.arrival)).toBeLessThan(parseClock('20:00'));
    expect(stops[2]!.service_start).toBe('20:00');
  });

  it('orders every stop time along the route', () => {
    for (const [index, stop] of stops.entries()) {
      expect(parseClock(stop.arrival), `arrival at stop ${index}`).toBeLessThanOrEqual(parseClock(stop.service_start));
      expect(parseClock(stop.service_start), `service at stop ${index}`).toBeLessThanOrEqual(
        parseClock(stop.departure),
      );
      const next = stops[index + 1];
      if (next) {
        expect(parseClock(stop.departure), `departure from stop ${index}`).toBeLessThanOrEqual(
          parseClock(next.arrival),
        );
      }
    }
  });
});

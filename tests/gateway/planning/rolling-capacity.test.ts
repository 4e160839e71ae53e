import { afterEach, describe, expect, it } from 'vitest';
import { PlanningCapacity } from '../../../gateway/planning/capacity-service.js';
import type { Planner } from '../../../gateway/planning/planner.js';
import { API_ORDER } from '../planning-fixture.js';
import { rollingPlanner, saleOrder, shanghai } from './rolling-support.js';

const D = '2027-03-10';
const NEXT = '2027-03-11';

describe('rolling orders api', () => {
  let planner: Planner | undefined;

  afterEach(async () => {
    await planner?.stop();
    planner = undefined;
  });

  function setup(now: number) {
    const setup = rollingPlanner(now);
    planner = setup.planner;
    return { ...setup, capacity: new PlanningCapacity(setup.planner, () => setup.clock.now) };
  }

  it('lists the plan date of each order', () => {
    const { planner, capacity } = setup(shanghai(D, '09:00'));
    const submitted = capacity.submit({ ...API_ORDER, temperature_class: 'frozen' });
    planner.receiveOrder(saleOrder('sale-next', shanghai(NEXT, '17:00'), shanghai(NEXT, '21:00')));

    expect(submitted.plan_date).toBe(D);
    const listed = capacity.orders().map((order) => [order.id, order.plan_date]);
    expect(listed).toEqual([
      [submitted.id, D],
      ['sale-next', NEXT],
    ]);
  });

  it('takes status from the plan of the date', async () => {
    const { planner, capacity, clock } = setup(shanghai(D, '21:45'));
    const submitted = capacity.submit({ ...API_ORDER, temperature_class: 'frozen' });
    planner.receiveOrder(saleOrder('sale-next', shanghai(NEXT, '17:00'), shanghai(NEXT, '21:00')));
    await planner.runScheduledRound('replan');
    clock.now = shanghai(D, '22:00');
    await planner.runScheduledRound('nightly');

    // The fake search leaves every order unserved, and the newest plan is the next date's.
    const statuses = new Map(capacity.orders().map((order) => [order.id, order.status]));
    expect(statuses.get(submitted.id)).toBe('unserved');
    expect(statuses.get('sale-next')).toBe('unserved');
  });

  it('marks the order of the earliest date', () => {
    const { planner, capacity } = setup(shanghai(D, '09:00'));
    planner.receiveOrder(saleOrder('standing-1', shanghai(D, '17:00'), shanghai(D, '21:00')));
    planner.receiveOrder(saleOrder('standing-1', shanghai(NEXT, '17:00'), shanghai(NEXT, '21:00')));
    const order = capacity.markDelivered('standing-1', 'driver-3');

    expect(order.plan_date).toBe(D);
    expect(order.status).toBe('delivered');
    const next = capacity.orders().find((candidate) => candidate.plan_date === NEXT);
    expect(next?.status).toBe('open');
  });

  it('plans the requested date after a nightly round', async () => {
    const { planner, rounds } = setup(shanghai(D, '22:00'));
    const nightly = planner.runScheduledRound('nightly');
    const requested = planner.run('small-county');

    expect((await nightly)?.plan_date).toBe(NEXT);
    expect((await requested).plan_date).toBe(D);
    expect(rounds.map((round) => round.plan_date)).toEqual([NEXT, D]);
  });

  it('lists plans with their date', async () => {
    const { planner, clock } = setup(shanghai(D, '22:00'));
    await planner.runScheduledRound('nightly');
    clock.now = shanghai(D, '22:15');
    await planner.runScheduledRound('replan');

    expect(planner.list().map((plan) => plan.plan_date)).toEqual([D, NEXT]);
    expect(planner.latestOf(NEXT)?.plan_date).toBe(NEXT);
    expect(planner.latestOf('2027-03-12')).toBeUndefined();
  });
});

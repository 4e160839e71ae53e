import { afterEach, describe, expect, it } from 'vitest';
import type { Planner } from '../../../gateway/planning/planner.js';
import { planRound } from '../../../scheduler/plan-round.js';
import { clockOrder, orderIds, rollingPlanner, saleOrder, shanghai } from './rolling-support.js';

// The fixture's scenario file plans 2026-12-05 and has orders o1 and o2. D is a later day.
const FILE_DATE = '2026-12-05';
const D = '2027-03-10';
const NEXT = '2027-03-11';

describe('rolling plan date', () => {
  const planners: Planner[] = [];

  afterEach(async () => {
    for (const planner of planners.splice(0)) await planner.stop();
  });

  function setup(...args: Parameters<typeof rollingPlanner>) {
    const setup = rollingPlanner(...args);
    planners.push(setup.planner);
    return setup;
  }

  it('plans the date before and after midnight', async () => {
    const { planner, clock, rounds } = setup(shanghai(D, '23:59'));
    const before = await planner.run('small-county');
    clock.now = shanghai(NEXT, '00:01');
    const after = await planner.run('small-county');

    expect(before.plan_date).toBe(D);
    expect(after.plan_date).toBe(NEXT);
    expect(rounds.map((round) => round.plan_date)).toEqual([D, NEXT]);
  });

  it('nightly plans the next date', async () => {
    const { planner } = setup(shanghai(D, '22:00'));
    const nightly = await planner.runScheduledRound('nightly');
    const replan = await planner.runScheduledRound('replan');

    expect(nightly?.plan_date).toBe(NEXT);
    expect(replan?.plan_date).toBe(D);
  });

  it('runs two schedules of one minute', async () => {
    const { planner, rounds } = setup(shanghai(D, '22:00'));
    const replan = planner.runScheduledRound('replan');
    const nightly = planner.runScheduledRound('nightly');
    const replanAgain = await planner.runScheduledRound('replan');

    expect((await replan)?.plan_date).toBe(D);
    expect((await nightly)?.plan_date).toBe(NEXT);
    expect(replanAgain).toBeUndefined();
    expect(planner.counters.rounds_skipped).toBe(1);
    expect(rounds.map((round) => round.plan_date)).toEqual([D, NEXT]);
  });

  it('starts shifts of today at the current time', async () => {
    const { planner, rounds } = setup(shanghai(D, '09:00'));
    await planner.runScheduledRound('replan');
    const shifts = rounds[0]?.vehicles.map((vehicle) => vehicle.shift);

    // The fixture's trucks work 00:00-23:59 and 17:00-23:59.
    expect(shifts).toEqual([
      { start: 9 * 60, end: 23 * 60 + 59 },
      { start: 17 * 60, end: 23 * 60 + 59 },
    ]);
  });

  it('empties a shift that has ended', async () => {
    const { planner, rounds } = setup(shanghai(D, '23:59'));
    await planner.runScheduledRound('replan');
    const shifts = rounds[0]?.vehicles.map((vehicle) => vehicle.shift);
    expect(shifts).toEqual([
      { start: 23 * 60 + 59, end: 23 * 60 + 59 },
      { start: 23 * 60 + 59, end: 23 * 60 + 59 },
    ]);
  });

  it('keeps whole shifts of tomorrow', async () => {
    const { planner, rounds } = setup(shanghai(D, '22:00'));
    await planner.runScheduledRound('nightly');
    const shifts = rounds[0]?.vehicles.map((vehicle) => vehicle.shift);
    expect(shifts).toEqual([
      { start: 0, end: 23 * 60 + 59 },
      { start: 17 * 60, end: 23 * 60 + 59 },
    ]);
  });

  it('warns of an update to a delivered order', () => {
    const { planner, lines } = setup(shanghai(D, '09:00'));
    planner.receiveOrder(clockOrder('c-1'));
    planner.markDelivered('c-1', 'driver-3');
    planner.receiveOrder(clockOrder('c-1', '18:00'));
    const warning = lines.find((line) => line.level === 40 && line.order_id === 'c-1');
    expect(warning?.msg).toContain('was reported delivered, so rounds leave it out');
    expect(warning?.plan_date).toBe(D);
  });

  it('nightly after midnight plans the day after', async () => {
    const { planner } = setup(shanghai(NEXT, '00:30'));
    const nightly = await planner.runScheduledRound('nightly');
    expect(nightly?.plan_date).toBe('2027-03-12');
  });

  it('plans file orders on the file date only', async () => {
    const { planner, clock, rounds } = setup(shanghai(FILE_DATE, '12:00'));
    await planner.runScheduledRound('replan');
    await planner.runScheduledRound('nightly');
    clock.now = shanghai(D, '12:00');
    await planner.runScheduledRound('replan');

    expect(orderIds(rounds[0])).toEqual(['o1', 'o2']);
    expect(orderIds(rounds[1])).toEqual([]);
    expect(rounds[1]?.plan_date).toBe('2026-12-06');
    expect(orderIds(rounds[2])).toEqual([]);
    expect(rounds[2]?.plan_date).toBe(D);
  });

  it('plans a later sale order on its date', async () => {
    const { planner, rounds } = setup(shanghai(D, '21:00'));
    planner.receiveOrder(saleOrder('sale-next', shanghai(NEXT, '10:00'), shanghai(NEXT, '12:30')));
    await planner.runScheduledRound('replan');
    await planner.runScheduledRound('nightly');

    const [today, tomorrow] = rounds;
    expect(today?.plan_date).toBe(D);
    expect(orderIds(today)).toEqual([]);
    expect(tomorrow?.plan_date).toBe(NEXT);
    expect(orderIds(tomorrow)).toEqual(['sale-next']);
    const order = tomorrow?.orders[0];
    expect(order?.pickup_window).toEqual({ start: 10 * 60, end: 12 * 60 + 30 });
    expect(tomorrow?.sites.map((site) => site.id)).toContain('village-9');
  });

  it('keeps an overnight sale window on its start date', async () => {
    const { planner, rounds } = setup(shanghai(D, '12:00'));
    const stored = planner.receiveOrder(saleOrder('sale-night', shanghai(D, '23:00'), shanghai(NEXT, '01:30')));
    await planner.runScheduledRound('replan');

    expect(stored.plan_date).toBe(D);
    expect(rounds[0]?.orders[0]?.pickup_window).toEqual({ start: 23 * 60, end: 25 * 60 + 30 });
  });

  it('dates a clock-time order at receipt', () => {
    const { planner, clock } = setup(shanghai(D, '23:59'));
    const late = planner.receiveOrder(clockOrder('late'));
    clock.now = shanghai(NEXT, '00:01');
    const early = planner.receiveOrder(clockOrder('early'));

    expect(late.plan_date).toBe(D);
    expect(early.plan_date).toBe(NEXT);
    expect(planner.allOrders(D).map((order) => order.id)).toEqual(['late']);
    expect(planner.allOrders(NEXT).map((order) => order.id)).toEqual(['early']);
  });

  it('rejects a sale order of a past date', () => {
    const { planner } = setup(shanghai(D, '09:00'));
    const yesterday = saleOrder('sale-old', shanghai('2027-03-09', '20:00'), shanghai(D, '02:00'));

    expect(() => planner.receiveOrder(yesterday)).toThrow(
      'order sale-old: window.from 2027-03-09T12:00:00.000Z falls on 2027-03-09 in Asia/Shanghai, before ' +
        "today's plan date 2027-03-10, so no round plans it; send orders whose window starts today or later",
    );
    expect(planner.counters.orders_invalid).toBe(1);
    expect(planner.listOrders()).toEqual([]);
  });

  it('delivery on one date spares the next', async () => {
    const { planner, rounds } = setup(shanghai(D, '09:00'));
    planner.receiveOrder(clockOrder('standing-1'));
    planner.receiveOrder(saleOrder('standing-1', shanghai(NEXT, '17:00'), shanghai(NEXT, '21:00')));
    const delivered = planner.markDelivered('standing-1', 'driver-3');
    const again = planner.markDelivered('standing-1', 'driver-4');
    await planner.runScheduledRound('replan');
    await planner.runScheduledRound('nightly');

    expect(delivered.plan_date).toBe(D);
    expect(again.plan_date).toBe(D);
    expect(again.by).toBe('driver-3');
    expect(orderIds(rounds[0])).toEqual([]);
    expect(orderIds(rounds[1])).toEqual(['standing-1']);
    const listed = planner.listOrders().map((entry) => [entry.plan_date, entry.order.id, entry.delivery?.by]);
    expect(listed).toEqual([
      [D, 'standing-1', 'driver-3'],
      [NEXT, 'standing-1', undefined],
    ]);
  });

  it('marks the next date once today passed', () => {
    const { planner, clock } = setup(shanghai(D, '09:00'));
    planner.receiveOrder(clockOrder('standing-1'));
    planner.markDelivered('standing-1', 'driver-3');
    planner.receiveOrder(saleOrder('standing-1', shanghai(NEXT, '17:00'), shanghai(NEXT, '21:00')));
    clock.now = shanghai(NEXT, '18:00');

    const delivered = planner.markDelivered('standing-1', 'driver-4');
    expect(delivered.plan_date).toBe(NEXT);
    expect(delivered.by).toBe('driver-4');
  });

  it('rejects delivery of an unknown order', () => {
    const { planner } = setup(shanghai(D, '09:00'));
    expect(() => planner.markDelivered('o1', 'driver-3')).toThrow(
      'order "o1" is not an order of today (2027-03-10) or a later plan date; GET /api/v1/orders lists them',
    );
  });

  it('deletes past orders before a round', async () => {
    const { planner, clock, lines, rounds } = setup(shanghai(D, '20:00'));
    planner.receiveOrder(clockOrder('today-1'));
    planner.receiveOrder(clockOrder('today-2'));
    planner.markDelivered('today-2', 'driver-3');
    planner.receiveOrder(saleOrder('tomorrow-1', shanghai(NEXT, '17:00'), shanghai(NEXT, '21:00')));
    clock.now = shanghai(NEXT, '00:15');
    await planner.runScheduledRound('replan');

    const deleted = lines.find((line) => line.msg === 'orders of past plan dates deleted');
    expect(deleted?.deleted_past_dates).toBe(2);
    expect(deleted?.today).toBe(NEXT);
    expect(orderIds(rounds[0])).toEqual(['tomorrow-1']);
    expect(planner.allOrders(D)).toEqual([]);
    expect(planner.listOrders().map((entry) => entry.order.id)).toEqual(['tomorrow-1']);
  });

  it('restores today and later at start', async () => {
    const first = setup(shanghai(D, '20:00'));
    first.planner.receiveOrder(clockOrder('past-1'));
    first.planner.receiveOrder(saleOrder('next-1', shanghai(NEXT, '17:00'), shanghai(NEXT, '21:00')));
    first.planner.receiveOrder(saleOrder('next-2', shanghai(NEXT, '18:00'), shanghai(NEXT, '21:00')));
    first.planner.receiveOrder(saleOrder('later-1', shanghai('2027-03-12', '17:00'), shanghai('2027-03-12', '21:00')));
    first.planner.markDelivered('next-2', 'driver-3');
    await first.planner.stop();
    planners.splice(0);

    const restarted = setup(shanghai(NEXT, '08:00'), {}, first.storePath);
    const loaded = restarted.lines.find((line) => line.msg === 'stored orders loaded');
    expect(loaded?.restored).toBe(3);
    expect(loaded?.deleted_past_dates).toBe(1);
    const listed = restarted.planner.listOrders().map((entry) => [entry.plan_date, entry.order.id, entry.delivery?.by]);
    expect(listed).toEqual([
      [NEXT, 'next-1', undefined],
      [NEXT, 'next-2', 'driver-3'],
      ['2027-03-12', 'later-1', undefined],
    ]);
    expect(orderIds(restarted.planner.scenario())).toEqual(['next-1']);
  });

  it('counts orders of every date against the bound', () => {
    const { planner, lines } = setup(shanghai(D, '09:00'), { max_pending_orders: 2 });
    planner.receiveOrder(clockOrder('today-1'));
    planner.receiveOrder(saleOrder('next-1', shanghai(NEXT, '17:00'), shanghai(NEXT, '21:00')));
    planner.receiveOrder(saleOrder('next-2', shanghai(NEXT, '18:00'), shanghai(NEXT, '21:00')));

    expect(planner.counters.orders_dropped).toBe(1);
    expect(planner.listOrders().map((entry) => entry.order.id)).toEqual(['next-1', 'next-2']);
    const warning = lines.find((line) => line.level === 40);
    expect(warning?.order_id).toBe('today-1');
    expect(warning?.plan_date).toBe(D);
  });

  it('runs a real search on a later date', async () => {
    const { planner } = setup(shanghai(D, '12:00'));
    planner.receiveOrder(clockOrder('api-1'));
    const scenario = planner.scenario();
    const report = planRound(scenario);

    expect(scenario.plan_date).toBe(D);
    expect(scenario.previous_plan).toEqual([]);
    expect(report.plan.unserved).toEqual([]);
    expect(report.plan.vehicles.flatMap((vehicle) => vehicle.stops.map((stop) => stop.order_id))).toContain('api-1');
  });
});

describe('scenario plan date', () => {
  let planner: Planner | undefined;

  afterEach(async () => {
    await planner?.stop();
    planner = undefined;
  });

  it('plans the file date on any day', async () => {
    const setup = rollingPlanner(shanghai(D, '22:00'), { plan_date: 'scenario' });
    planner = setup.planner;
    const nightly = await planner.runScheduledRound('nightly');
    const requested = await planner.run('small-county');

    expect(nightly?.plan_date).toBe(FILE_DATE);
    expect(requested.plan_date).toBe(FILE_DATE);
    expect(orderIds(setup.rounds[0])).toEqual(['o1', 'o2']);
    expect(setup.rounds[0]?.vehicles[0]?.shift.start).toBe(0);
  });

  it('clamps a later sale order to the file date', async () => {
    const setup = rollingPlanner(shanghai(D, '09:00'), { plan_date: 'scenario' });
    planner = setup.planner;
    const stored = planner.receiveOrder(saleOrder('sale-next', shanghai(NEXT, '10:00'), shanghai(NEXT, '12:00')));
    await planner.runScheduledRound('replan');

    expect(stored.plan_date).toBe(FILE_DATE);
    expect(stored.order.pickup_window).toEqual({ start: 47 * 60 + 59, end: 47 * 60 + 59 });
    expect(orderIds(setup.rounds[0])).toEqual(['o1', 'o2', 'sale-next']);
  });
});

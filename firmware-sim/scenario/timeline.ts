import type { Fault } from '../faults.js';
import { ModbusController } from '../modbus-controller.js';
import type { ColdRoomModel } from '../physics/cold-room-model.js';
import { ReeferTruck } from '../reefer-truck.js';
import { saleOrders } from './orders.js';
import { RtuUnit } from './rtu-line.js';
import { eventId } from './scenario-references.js';
import type { Scenario } from './scenario-schema.js';
import type { SimScheduler } from './sim-scheduler.js';
import type { SimDevice, SimRoom } from './site-devices.js';
import type { TimelineEvent } from './timeline-schema.js';

/** Time a product load keeps the room out of the steady swing, ms. */
const LOAD_SETTLE_MS = 6 * 3_600_000;
/** Specific heat used when a load gives none, J/(kg·K). */
const DEFAULT_LOAD_J_PER_KGK = 3600;

/** Record of one timeline event as it ran. */
export interface EventRecord {
  id: string;
  event: TimelineEvent['event'];
  /** Simulated time the event started, ms. */
  time_ms: number;
  /** Simulated time it ended, ms, for events with a duration. */
  end_ms?: number;
  /** Reason the event did nothing, when it could not apply. */
  skipped?: string;
}

/** Parts of the run that timeline events act on. */
export interface TimelineContext {
  scenario: Scenario;
  scheduler: SimScheduler;
  rooms: Map<string, SimRoom>;
  devices: SimDevice[];
  /** Restarts the broker, or is undefined when the kit does not own it. */
  restartBroker?: (down_ms: number) => Promise<void>;
  /** Publishes one order; rejects on failure. */
  publishOrder: (payload: string) => Promise<void>;
  /** Receives errors of actions that run in the background (a broker restart, an order publish). */
  onError: (error: unknown) => void;
}

function modelsOf(context: TimelineContext, asset: string): ColdRoomModel[] {
  const room = context.rooms.get(asset);
  if (room) return [room.model];
  const truck = context.devices.find((device) => device.asset === asset && device.simulator instanceof ReeferTruck);
  return truck ? (truck.simulator as ReeferTruck).compartments.map((compartment) => compartment.model) : [];
}

function deviceOf(context: TimelineContext, id: string): SimDevice {
  return context.devices.find((device) => device.spec.id === id)!;
}

/** Brings every model of `asset` to time `time_ms`, then applies `change` to each. */
function onModels(context: TimelineContext, asset: string, time_ms: number, change: (model: ColdRoomModel) => void) {
  for (const model of modelsOf(context, asset)) {
    model.advanceTo(time_ms);
    change(model);
  }
}

function disturb(context: TimelineContext, asset: string | undefined, until_ms: number): void {
  for (const [id, room] of context.rooms) if (asset === undefined || asset === id) room.meter.disturb(until_ms);
}

const PROBE_FAULTS: Record<'stuck' | 'sentinel' | 'disconnected', Fault> = {
  stuck: 'stuck',
  sentinel: 'probe_fault',
  disconnected: 'probe_disconnected',
};

/** Applies the start of `event` at `time_ms` and returns the action that ends it, if it has an end. */
function startEvent(
  context: TimelineContext,
  event: TimelineEvent,
  id: string,
  time_ms: number,
): (() => void) | undefined {
  switch (event.event) {
    case 'door_open':
      onModels(context, event.asset, time_ms, (model) => model.openDoor(event.duration_min * 60));
      return undefined;
    case 'product_load': {
      const specific_heat = (event.specific_heat_kj_per_kgk ?? DEFAULT_LOAD_J_PER_KGK / 1000) * 1000;
      onModels(context, event.asset, time_ms, (model) => {
        if (event.door_min > 0) model.openDoor(event.door_min * 60);
        model.loadProduct(event.kg, event.temp_c, specific_heat);
      });
      disturb(context, event.asset, time_ms + LOAD_SETTLE_MS);
      return undefined;
    }
    case 'compressor_failure':
      onModels(context, event.asset, time_ms, (model) => model.setCompressorFailed(true));
      return () => onModels(context, event.asset, context.scheduler.clock.nowMs(), (m) => m.setCompressorFailed(false));
    case 'defrost_stuck':
      onModels(context, event.asset, time_ms, (model) => model.setDefrostStuck(true));
      return () => onModels(context, event.asset, context.scheduler.clock.nowMs(), (m) => m.setDefrostStuck(false));
    case 'probe_fault':
      return startProbeFault(context, event, time_ms);
    case 'power_cut':
      return startPowerCut(context, event.asset, time_ms);
    case 'network_cut': {
      const cut = context.devices.filter((device) => event.device === undefined || device.spec.id === event.device);
      for (const device of cut) device.simulator.injectFault('disconnect');
      return () => {
        for (const device of cut) device.simulator.clearFault();
      };
    }
    case 'clock_jump': {
      const simulator = deviceOf(context, event.device).simulator;
      if ('jumpClock' in simulator) simulator.jumpClock(event.jump_s * 1000);
      return undefined;
    }
    case 'broker_restart':
      context.restartBroker?.(event.down_s * 1000).catch(context.onError);
      return undefined;
    case 'live_sale':
      scheduleOrders(context, event, id, time_ms);
      return undefined;
  }
}

function startProbeFault(
  context: TimelineContext,
  event: Extract<TimelineEvent, { event: 'probe_fault' }>,
  time_ms: number,
): () => void {
  const simulator = deviceOf(context, event.device).simulator;
  if (event.mode === 'drift') {
    simulator.drift.start(time_ms, event.drift_k_per_h);
    return () => simulator.drift.clear();
  }
  simulator.injectFault(PROBE_FAULTS[event.mode]);
  return () => simulator.clearFault();
}

/** Cuts the supply of one room or of all: models stop, and the mains-powered controllers go silent. */
function startPowerCut(context: TimelineContext, asset: string | undefined, time_ms: number): () => void {
  const rooms = [...context.rooms.keys()].filter((id) => asset === undefined || id === asset);
  const controllers = context.devices.filter(
    (device) =>
      (device.simulator instanceof ModbusController || device.simulator instanceof RtuUnit) &&
      rooms.includes(device.asset),
  );
  for (const room of rooms) onModels(context, room, time_ms, (model) => model.setPowered(false));
  for (const device of controllers) device.simulator.injectFault('disconnect');
  return () => {
    for (const room of rooms)
      onModels(context, room, context.scheduler.clock.nowMs(), (model) => model.setPowered(true));
    for (const device of controllers) device.simulator.clearFault();
  };
}

function scheduleOrders(
  context: TimelineContext,
  event: Extract<TimelineEvent, { event: 'live_sale' }>,
  id: string,
  time_ms: number,
): void {
  const orders = saleOrders(event, id, time_ms, context.scenario.seed);
  const step_ms = orders.length > 1 ? (event.spread_min * 60_000) / (orders.length - 1) : 0;
  orders.forEach((order, index) => {
    context.scheduler.at(time_ms + index * step_ms, () => {
      context.publishOrder(JSON.stringify(order)).catch(context.onError);
    });
  });
}

/** Schedules every timeline event of the scenario and returns their records, filled in as they run. */
export function scheduleTimeline(context: TimelineContext): EventRecord[] {
  const start_ms = context.scheduler.start_ms;
  return context.scenario.timeline.map((event, index) => {
    const id = eventId(event, index);
    const time_ms = start_ms + Math.round(event.at_min * 60) * 1000;
    const record: EventRecord = { id, event: event.event, time_ms };
    if (event.event === 'broker_restart' && context.restartBroker === undefined) {
      record.skipped = 'the broker belongs to the gateway under test, so the kit cannot restart it';
    }
    context.scheduler.at(time_ms, () => {
      if (record.skipped) return;
      const end = startEvent(context, event, id, time_ms);
      const duration_min = 'duration_min' in event ? event.duration_min : undefined;
      if (end && duration_min !== undefined) {
        record.end_ms = time_ms + Math.round(duration_min * 60) * 1000;
        disturb(context, 'asset' in event ? event.asset : undefined, record.end_ms);
        context.scheduler.at(record.end_ms, end);
      }
    });
    return record;
  });
}

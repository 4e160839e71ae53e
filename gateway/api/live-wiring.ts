/** Connects the bus and the services' subscriptions to the live feed. */

import type { DeviceState, FieldProblem, InputProblem } from '../events.js';
import type { Reading, SensorFault } from '../reading.js';
import type { ApiDeps } from './api-context.js';
import type { FleetState } from './fleet-state.js';
import type { LiveFeed } from './live-feed.js';
import type { Unsubscribe } from './services.js';

/**
 * Returns `event` with the device's `field_errors` count from `fleet`, the count that `/api/v1/devices`
 * shows. A device the fleet does not list gets no count.
 */
function withFieldErrors<T extends { device_id: string }>(fleet: FleetState, event: T): T & { field_errors?: number } {
  const fieldErrors = fleet.fieldErrors(event.device_id);
  return fieldErrors === undefined ? event : { ...event, field_errors: fieldErrors };
}

/**
 * Publishes bus events and service updates on the feed; returns a function that stops it. `fleet` must
 * be created on the same bus before this call, so that its listeners count an event before the feed
 * reads the count.
 */
export function wireLiveFeed(deps: ApiDeps, live: LiveFeed, fleet: FleetState): Unsubscribe {
  const { bus } = deps.gateway;
  const onReading = (reading: Reading) =>
    live.publish('reading', {
      measurement: reading.measurement,
      tags: reading.tags,
      fields: reading.fields,
      time_ms: reading.time_ms,
    });
  const onState = (state: DeviceState) => live.publish('device_state', withFieldErrors(fleet, state));
  const onFault = (fault: SensorFault) => live.publish('sensor_fault', fault);
  const onFieldError = (problem: FieldProblem) => live.publish('field_error', withFieldErrors(fleet, problem));
  // Rejected payloads of devices the fleet lists, so that the dashboard refreshes only for a device it shows.
  const onInputProblem = (problem: InputProblem) => {
    const { device_id } = problem;
    if (problem.payload_rejected !== true || device_id === undefined) return;
    if (fleet.fieldErrors(device_id) === undefined) return;
    const { code, message, topic } = problem;
    live.publish('payload_error', { device_id, code, message, ...(topic === undefined ? {} : { topic }) });
  };
  bus.on('reading', onReading);
  bus.on('device_state', onState);
  bus.on('sensor_fault', onFault);
  bus.on('field_error', onFieldError);
  bus.on('input_problem', onInputProblem);
  const unsubscribers: Unsubscribe[] = [
    () => bus.off('reading', onReading),
    () => bus.off('device_state', onState),
    () => bus.off('sensor_fault', onFault),
    () => bus.off('field_error', onFieldError),
    () => bus.off('input_problem', onInputProblem),
  ];
  const alarms = deps.alarms?.subscribe?.((alarm) => live.publish('alarm', alarm));
  if (alarms) unsubscribers.push(alarms);
  const plans = deps.plans?.subscribe?.((plan) => live.publish('plan', plan));
  if (plans) unsubscribers.push(plans);
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/** Connects the bus and the services' subscriptions to the live feed. */

import type { DeviceState } from '../events.js';
import type { Reading, SensorFault } from '../reading.js';
import type { ApiDeps } from './api-context.js';
import type { LiveFeed } from './live-feed.js';
import type { Unsubscribe } from './services.js';

/** Publishes bus events and service updates on the feed; returns a function that stops it. */
export function wireLiveFeed(deps: ApiDeps, live: LiveFeed): Unsubscribe {
  const { bus } = deps.gateway;
  const onReading = (reading: Reading) =>
    live.publish('reading', {
      measurement: reading.measurement,
      tags: reading.tags,
      fields: reading.fields,
      time_ms: reading.time_ms,
    });
  const onState = (state: DeviceState) => live.publish('device_state', state);
  const onFault = (fault: SensorFault) => live.publish('sensor_fault', fault);
  bus.on('reading', onReading);
  bus.on('device_state', onState);
  bus.on('sensor_fault', onFault);
  const unsubscribers: Unsubscribe[] = [
    () => bus.off('reading', onReading),
    () => bus.off('device_state', onState),
    () => bus.off('sensor_fault', onFault),
  ];
  const alarms = deps.alarms?.subscribe?.((alarm) => live.publish('alarm', alarm));
  if (alarms) unsubscribers.push(alarms);
  const plans = deps.plans?.subscribe?.((plan) => live.publish('plan', plan));
  if (plans) unsubscribers.push(plans);
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

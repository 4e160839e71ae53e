import type { ScenarioProblem } from './scenario-error.js';
import type { Scenario } from './scenario-schema.js';
import type { TimelineEvent } from './timeline-schema.js';

/** Returns the id of a timeline event: its own, or `<event>-<index>`. */
export function eventId(event: TimelineEvent, index: number): string {
  return event.id ?? `${event.event}-${index}`;
}

function duplicates(ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
  return repeated;
}

/** Checks the ids that keys refer to across the file: assets, devices and events. */
export function checkReferences(scenario: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const rooms = scenario.site.rooms.map((room) => room.id);
  const trucks = scenario.site.trucks.map((truck) => truck.id);
  const assets = new Set([...rooms, ...trucks]);
  const devices = new Set(scenario.devices.map((device) => device.id));
  const events = new Set(scenario.timeline.map(eventId));
  const need = (path: string, id: string | undefined, known: Set<string>, what: string) => {
    if (id !== undefined && !known.has(id)) {
      problems.push({
        path,
        message: `${what} "${id}" is not defined; use one of ${[...known].join(', ') || '(none)'}`,
      });
    }
  };

  for (const id of duplicates([...rooms, ...trucks]))
    problems.push({ path: 'site', message: `asset id "${id}" is used twice` });
  for (const id of duplicates(scenario.devices.map((d) => d.id)))
    problems.push({ path: 'devices', message: `device id "${id}" is used twice` });
  const ports = scenario.devices.flatMap((d) => (d.protocol === 'modbus_tcp' && d.port !== undefined ? [d.port] : []));
  for (const port of duplicates(ports.map(String)))
    problems.push({ path: 'devices', message: `Modbus TCP port ${port} is given to two devices; give each its own` });
  for (const id of duplicates(scenario.timeline.map(eventId)))
    problems.push({ path: 'timeline', message: `event id "${id}" is used twice` });

  scenario.devices.forEach((device, index) => {
    const path = `devices[${index}].watches`;
    if (device.protocol === 'mqtt') need(path, device.watches, assets, 'asset');
    else need(path, device.watches, new Set(rooms), 'room');
    if (device.protocol !== 'mqtt') return;
    const on_truck = trucks.includes(device.watches);
    const dialect = device.dialect ?? (on_truck ? 'reefer' : 'celsius');
    if (on_truck !== (dialect === 'reefer')) {
      const message = on_truck
        ? `a truck needs dialect "reefer", not "${dialect}"`
        : 'dialect "reefer" needs a truck in `watches`';
      problems.push({ path: `devices[${index}].dialect`, message });
    }
  });
  for (const truck of trucks) {
    const watchers = scenario.devices.filter((device) => device.watches === truck);
    if (watchers.length > 1) {
      problems.push({ path: 'devices', message: `truck "${truck}" has ${watchers.length} devices; give it one` });
    }
  }
  const mqtt_devices = new Set(scenario.devices.filter((d) => d.protocol === 'mqtt').map((d) => d.id));
  scenario.timeline.forEach((event, index) => {
    const path = `timeline[${index}]`;
    if ('asset' in event) need(`${path}.asset`, event.asset, assets, 'asset');
    if ('device' in event) need(`${path}.device`, event.device, devices, 'device');
    if (event.event === 'clock_jump') need(`${path}.device`, event.device, mqtt_devices, 'MQTT device');
    if (event.at_min > scenario.run.duration_min) {
      problems.push({
        path: `${path}.at_min`,
        message: `${event.at_min} is after the end of the run (run.duration_min ${scenario.run.duration_min})`,
      });
    }
  });
  scenario.expectations.forEach((expectation, index) => {
    const path = `expectations[${index}]`;
    if ('asset' in expectation) need(`${path}.asset`, expectation.asset, assets, 'asset');
    if ('after' in expectation) need(`${path}.after`, expectation.after, events, 'event');
    if (expectation.expect === 'alarm' && expectation.compartment !== undefined) {
      const truck = scenario.site.trucks.find((candidate) => candidate.id === expectation.asset);
      const compartments = new Set(truck?.compartments.map((compartment) => compartment.id));
      need(`${path}.compartment`, expectation.compartment, compartments, `compartment of ${expectation.asset}`);
    }
    if (expectation.expect === 'no_reading_lost')
      need(`${path}.device`, expectation.device, mqtt_devices, 'MQTT device');
    if (expectation.expect === 'no_alarm' && !['defrost', 'run'].includes(expectation.during)) {
      need(`${path}.during`, expectation.during, events, 'event');
    }
    if (expectation.expect === 'reading' && expectation.above === undefined && expectation.below === undefined) {
      problems.push({ path, message: 'a reading expectation needs `above` or `below`' });
    }
  });
  return problems;
}

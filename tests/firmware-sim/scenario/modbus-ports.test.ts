import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../firmware-sim/scenario/load-scenario.js';
import { modbusTcpPorts } from '../../../firmware-sim/scenario/modbus-ports.js';
import { ScenarioError } from '../../../firmware-sim/scenario/scenario-error.js';

/** Builds a scenario of one room, an MQTT node and three Modbus TCP controllers, with `ctrl_2` as the second. */
function scenarioText(ctrl_2: string): string {
  return `
name: ports
run: { start: "2026-07-15T22:00:00+08:00", duration_min: 10 }
site:
  id: county
  rooms: [{ id: chill-1, kind: chilled }]
devices:
  - { id: node-1, protocol: mqtt, watches: chill-1 }
  - { id: ctrl-1, protocol: modbus_tcp, watches: chill-1 }
  - ${ctrl_2}
  - { id: ctrl-3, protocol: modbus_tcp, watches: chill-1 }
`;
}

const PLAIN = '{ id: ctrl-2, protocol: modbus_tcp, watches: chill-1 }';
const FIXED = '{ id: ctrl-2, protocol: modbus_tcp, watches: chill-1, port: 15020 }';

describe('modbusTcpPorts', () => {
  it('picks free ports without a base', () => {
    const ports = modbusTcpPorts(parseScenario(scenarioText(PLAIN)));
    expect([...ports.values()].map((choice) => choice.port)).toEqual([0, 0, 0]);
  });

  it('counts from the base', () => {
    const ports = modbusTcpPorts(parseScenario(scenarioText(PLAIN)), 5020);
    expect(ports.get('ctrl-1')?.port).toBe(5020);
    expect(ports.get('ctrl-2')?.port).toBe(5021);
    expect(ports.get('ctrl-3')?.port).toBe(5022);
    expect(ports.get('ctrl-3')?.origin).toMatch(/^--modbus-port 5020 /);
    expect(ports.has('node-1')).toBe(false);
  });

  it('keeps a device port key', () => {
    const ports = modbusTcpPorts(parseScenario(scenarioText(FIXED)), 5020);
    expect(ports.get('ctrl-1')?.port).toBe(5020);
    expect(ports.get('ctrl-2')).toEqual({ port: 15020, origin: 'devices[2].port' });
    expect(ports.get('ctrl-3')?.port).toBe(5021);
  });

  it('uses a port key alone', () => {
    const ports = modbusTcpPorts(parseScenario(scenarioText(FIXED)));
    expect(ports.get('ctrl-1')?.port).toBe(0);
    expect(ports.get('ctrl-2')?.port).toBe(15020);
  });

  it('rejects a base that hits a port key', () => {
    expect(() => modbusTcpPorts(parseScenario(scenarioText(FIXED)), 15019)).toThrow(
      'Modbus TCP devices ctrl-2 and ctrl-3 would both listen on port 15020; change --modbus-port 15019',
    );
  });

  it('rejects ports past 65535', () => {
    expect(() => modbusTcpPorts(parseScenario(scenarioText(PLAIN)), 65534)).toThrow(
      'Modbus TCP port 65536 of ctrl-3 is above 65535',
    );
  });

  it('rejects one port key on two devices', () => {
    const text = scenarioText(FIXED).replace(
      '{ id: ctrl-3, protocol: modbus_tcp, watches: chill-1 }',
      '{ id: ctrl-3, protocol: modbus_tcp, watches: chill-1, port: 15020 }',
    );
    const error = (() => {
      try {
        parseScenario(text, 'ports.yaml');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems).toContainEqual({
      path: 'devices',
      message: 'Modbus TCP port 15020 is given to two devices; give each its own',
    });
  });

  it('rejects a port key out of range', () => {
    expect(() => parseScenario(scenarioText(FIXED.replace('15020', '70000')))).toThrow(/devices\[2\]\.port/);
  });
});

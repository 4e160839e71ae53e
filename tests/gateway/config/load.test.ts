import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../../gateway/config/config-error.js';
import { builtInProfiles, parseConfig } from '../../../gateway/config/load.js';
import { problemsOf } from './config-problems.js';

describe('config loader', () => {
  it('applies defaults to a minimal file', () => {
    const { config } = parseConfig('version: 1\n', 'minimal.yaml');
    expect(config.mqtt.broker.host).toBe('127.0.0.1');
    expect(config.mqtt.broker.enabled).toBe(true);
    expect(config.outputs.local_store.enabled).toBe(true);
    expect(config.outputs.influx).toBeUndefined();
  });

  it('rejects a file without settings', () => {
    for (const text of ['', '\n\n', '# no settings yet\n', '~\n', 'null\n', '---\n']) {
      expect(problemsOf(text)).toEqual([
        '(file): the file contains no settings (it is empty, contains only comments, or is null); ' +
          'start from an example under examples/config/, such as examples/config/mqtt-room-node.yaml',
      ]);
    }
  });

  it('names the file without settings', () => {
    expect(() => parseConfig('', 'site.yaml')).toThrow(/^site\.yaml: 1 configuration error\n/);
  });

  it('reports three mistakes with key paths', () => {
    const problems = problemsOf(`
devices:
  - id: ctrl-1
    protocol: modbus_tcp
    host: 127.0.0.1
    poll_intervall_s: 5
    profile: generic-tenths-c
  - id: room-1
    protocol: mqtt
    topic: sim/rooms/room-1/state
    profile: coldpool-room-celsius
    measurement: Cold Room
  - id: ctrl-2
    protocol: modbus_tcp
    host: 127.0.0.1
    port: 70000
    profile: generic-tenths-c
`);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('devices[0].poll_intervall_s: unknown key; did you mean "poll_interval_s"?');
    expect(problems[1]).toMatch(/^devices\[1\]\.measurement: must be snake_case/);
    expect(problems[2]).toMatch(/^devices\[2\]\.port: /);
  });

  it('checks the InfluxDB write options', () => {
    const { config } = parseConfig('outputs:\n  influx: { url: "http://127.0.0.1:8086/cold" }\n', 'influx.yaml');
    expect(config.outputs.influx?.writes_in_flight).toBe(2);
    expect(config.outputs.influx?.worker_thread).toBe(true);
    const problems = problemsOf(
      'outputs:\n  influx: { url: "http://127.0.0.1:8086/cold", writes_in_flight: 9, worker_thread: "yes" }\n',
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^outputs\.influx\.writes_in_flight: /);
    expect(problems[1]).toMatch(/^outputs\.influx\.worker_thread: /);
  });

  it('quotes the bad value', () => {
    try {
      parseConfig('devices:\n  - { id: c, protocol: modbus_tcp, host: h, port: 70000, profile: generic-tenths-c }\n');
      expect.unreachable();
    } catch (error) {
      const problem = (error as ConfigError).problems[0];
      expect(problem?.value).toBe('70000');
      expect((error as Error).message).toContain('devices[0].port (device c) = 70000');
    }
  });

  it('rejects a temperature name without _c', () => {
    const problems = problemsOf(`
devices:
  - id: c
    protocol: modbus_tcp
    host: 127.0.0.1
    registers: [{ name: air_temp, table: input, address: 0, data_type: int16, unit: F }]
`);
    expect(problems).toEqual([
      expect.stringMatching(/^devices\[0\]\.registers\[0\]\.name: temperatures are stored in °C/),
    ]);
  });

  it('rejects a field named time', () => {
    const problems = problemsOf(`
devices:
  - id: n
    protocol: mqtt
    topic: a/b
    payload: { fields: [{ name: time, path: t }] }
`);
    expect(problems).toEqual([
      expect.stringMatching(/^devices\[0\]\.payload\.fields\[0\]\.name: is reserved by InfluxDB/),
    ]);
  });

  it('rejects an unknown profile and lists the known ones', () => {
    const problems = problemsOf('devices: [{ id: n, protocol: mqtt, topic: a/b, profile: nope }]');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^devices\[0\]\.profile: unknown profile; known profiles: .*coldpool-room-celsius/);
  });

  it('suggests a near profile name', () => {
    const problems = problemsOf('devices: [{ id: n, protocol: mqtt, topic: a/b, profile: coldpool-room-celcius }]');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^devices\[0\]\.profile: unknown profile; did you mean "coldpool-room-celsius"\? known profiles: /,
    );
  });

  it('rejects duplicate device ids', () => {
    const problems = problemsOf(`
devices:
  - { id: n, protocol: mqtt, topic: a/b, profile: coldpool-room-celsius }
  - { id: n, protocol: mqtt, topic: a/c, profile: coldpool-room-celsius }
`);
    expect(problems).toEqual(['devices[1].id: device id used twice, first by devices[0]; give each device its own id']);
  });

  it('rejects a coil that is not bool', () => {
    const problems = problemsOf(`
devices:
  - id: c
    protocol: modbus_tcp
    host: 127.0.0.1
    registers: [{ name: pump_on, table: coil, address: 0, data_type: int16 }]
`);
    expect(problems).toEqual([
      'devices[0].registers[0].data_type: coil tables hold single bits, so data_type must be bool',
    ]);
  });

  it('reports YAML syntax errors with a line', () => {
    const problems = problemsOf('devices:\n  - id: [unclosed\n');
    expect(problems[0]).toMatch(/^line \d+, column \d+: invalid YAML/);
  });

  it('places an indentation error at its content', () => {
    const problems = problemsOf('devices:\n  - id: room-1\n    protocol: mqtt\n   topic: rooms/1\n');
    expect(problems).toEqual([
      'line 4, column 4: invalid YAML: Sequence item without - indicator; indent this line like the other keys of its mapping',
    ]);
  });

  it('names a duplicate YAML key', () => {
    const problems = problemsOf('version: 1\nsite: a\nsite: b\n');
    expect(problems).toEqual([
      'line 3, column 1: invalid YAML: key site appears twice in the same mapping; keep one of them',
    ]);
  });

  it('rejects a wildcard topic on a device', () => {
    const problems = problemsOf('devices: [{ id: n, protocol: mqtt, topic: a/+/b, profile: coldpool-room-celsius }]');
    expect(problems[0]).toMatch(/^devices\[0\]\.topic: must be an exact topic/);
  });

  it('resolves a profile into registers', () => {
    const { devices } = parseConfig(
      'devices: [{ id: c, protocol: modbus_tcp, host: 127.0.0.1, profile: generic-tenths-c }]',
    );
    const device = devices[0];
    expect(device?.protocol).toBe('modbus_tcp');
    expect(device?.measurement).toBe('cold_room');
    expect(device?.asset).toBe('c');
    if (device?.protocol === 'modbus_tcp') expect(device.registers.length).toBeGreaterThan(5);
  });

  it('loads every built-in profile', () => {
    const names = Object.keys(builtInProfiles());
    expect(names).toContain('generic-tenths-c');
    expect(names).toContain('coldpool-reefer');
  });

  it('accepts a lorawan subscription without a topic level', () => {
    const { subscriptions } = parseConfig(`
mqtt:
  subscriptions:
    - { topic: application/+/device/+/event/up, profile: lorawan-lht65-chirpstack }
`);
    expect(subscriptions[0]?.device_id_segment).toBeUndefined();
    expect(subscriptions[0]?.payload.format).toBe('chirpstack_v4');
  });

  it('requires a topic level for json subscriptions', () => {
    const problems = problemsOf('mqtt: { subscriptions: [{ topic: a/+/b, profile: coldpool-room-celsius }] }');
    expect(problems).toEqual([expect.stringMatching(/^mqtt\.subscriptions\[0\]\.device_id_segment: is missing/)]);
  });

  it('rejects dev_eui ids for json payloads', () => {
    const problems = problemsOf(`
devices:
  - { id: n, protocol: mqtt, topic: a/b, payload: { device_id_from: dev_eui, fields: [{ name: x, path: x }] } }
`);
    expect(problems).toEqual([
      expect.stringMatching(/^devices\[0\]\.payload\.device_id_from: applies only to the LoRaWAN formats/),
    ]);
  });

  it('rejects an rtu device on an unknown bus', () => {
    const problems = problemsOf(`
buses: [{ id: line-a, path: /dev/ttyUSB0 }]
devices: [{ id: c, protocol: modbus_rtu, bus: line-b, unit_id: 1, profile: generic-tenths-c }]
`);
    expect(problems).toEqual(['devices[0].bus: unknown bus; buses: line-a']);
  });

  it('rejects two devices at one bus address', () => {
    const problems = problemsOf(`
buses: [{ id: line-a, path: /dev/ttyUSB0 }]
devices:
  - { id: a, protocol: modbus_rtu, bus: line-a, unit_id: 4, profile: generic-tenths-c }
  - { id: b, protocol: modbus_rtu, bus: line-a, unit_id: 4, profile: generic-tenths-c }
`);
    expect(problems).toEqual([
      'devices[1].unit_id: same bus and unit id as devices[0] (id "a"); ' +
        'give each device on bus line-a its own unit_id',
    ]);
  });

  it('rejects an unusual baud rate', () => {
    const problems = problemsOf('buses: [{ id: line-a, path: /dev/ttyUSB0, baud_rate: 9601 }]');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^buses\[0\]\.baud_rate: /);
  });

  it('points a clear-text password to password_env', () => {
    try {
      parseConfig('mqtt: { url: mqtt://127.0.0.1:1883, username: gw, password: hunter2 }');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as ConfigError).problems[0]?.path).toBe('mqtt.password');
      expect((error as ConfigError).problems[0]?.message).toContain('password_env');
    }
  });

  it('hides a password pasted as a variable name', () => {
    try {
      parseConfig('outputs: { influx: { url: http://127.0.0.1:8086/db, password_env: "hunter2 pass" } }');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as ConfigError).problems[0]?.value).toBe('[hidden]');
    }
  });

  it('shows an expiry without a time', () => {
    const token = `{ name: erp, token_sha256: "not-hex-secret", role: operator, expires_at: "2027-06-30" }`;
    try {
      parseConfig(`http: { auth: { tokens: [${token}] } }`);
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      const expiry = problems.find((problem) => problem.path === 'http.auth.tokens[0].expires_at');
      expect(expiry?.value).toBe('"2027-06-30"');
      expect(expiry?.message).toBe(
        'must be an ISO 8601 date-time with a time and an offset, such as 2027-06-30T00:00:00Z',
      );
      const hash = problems.find((problem) => problem.path === 'http.auth.tokens[0].token_sha256');
      expect(hash?.value).toBe('[hidden]');
      expect((error as Error).message).not.toContain('not-hex-secret');
    }
  });

  it('masks hashes inside a shown mapping', () => {
    const hash = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA';
    try {
      parseConfig(`http: { auth: [{ password_hash: "${hash}" }] }`);
      expect.unreachable();
    } catch (error) {
      const problem = (error as ConfigError).problems.find((each) => each.path === 'http.auth');
      expect(problem?.value).toMatch(/^\[\{"password_hash":"\[set [0-9a-f]{8}\]"\}\]$/);
      expect((error as Error).message).not.toContain(hash);
    }
  });

  it('points a boundless custom class at its asset', () => {
    try {
      parseConfig('alarms: { assets: [{ id: room-1, class: chilled }, { id: room-2, class: custom }] }');
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]?.path).toBe('alarms.assets[1].class');
      expect(problems[0]?.value).toBe('"custom"');
      expect(problems[0]?.message).toBe(
        'class custom needs low_c and high_c (null for no bound) or a rules list, on the asset or under alarms.classes.custom',
      );
    }
  });

  it('rejects credentials in the influx url', () => {
    const problems = problemsOf('outputs: { influx: { url: "http://admin:pw@127.0.0.1:8086/db" } }');
    expect(problems).toEqual([expect.stringMatching(/^outputs\.influx\.url: must not carry credentials/)]);
  });

  it('names devices sharing a topic', () => {
    const devices = ['room-1', 'room-2']
      .map((id) => `  - { id: ${id}, protocol: mqtt, topic: rooms/1, profile: coldpool-room-celsius }`)
      .join('\n');
    const problems = problemsOf(`devices:\n${devices}`);
    expect(problems).toEqual([
      'devices[1].topic: same topic as devices[0] (id "room-1"); ' + 'give each device its own topic',
    ]);
  });

  it('names each device sharing a topic and an id', () => {
    const devices = ['room-1', 'room-2', 'room-1']
      .map((id) => `  - { id: ${id}, protocol: mqtt, topic: rooms/1, profile: coldpool-room-celsius }`)
      .join('\n');
    const problems = problemsOf(`devices:\n${devices}`);
    expect(problems).toEqual([
      'devices[2].id: device id used twice, first by devices[0]; give each device its own id',
      'devices[1].topic: same topic as devices[0] (id "room-1"); ' + 'give each device its own topic',
      'devices[2].topic: same topic as devices[0] (id "room-1"); ' + 'give each device its own topic',
    ]);
  });

  it('names the repeated bus id', () => {
    const problems = problemsOf('buses: [{ id: line-a, path: /dev/ttyUSB0 }, { id: line-a, path: /dev/ttyUSB1 }]');
    expect(problems).toEqual(['buses[1].id: bus id used twice, first by buses[0]; give each bus its own id']);
  });

  it('rejects a password in the mqtt url', () => {
    for (const url of ['mqtt://gw:secret-1@127.0.0.1:1883', 'mqtt://127.0.0.1:1883/?password=secret-1']) {
      const problems = problemsOf(`mqtt: { url: "${url}" }`);
      expect(problems).toEqual([expect.stringMatching(/^mqtt\.url: must not carry a password/)]);
      expect(problems.join(' ')).not.toContain('secret-1');
    }
    expect(problemsOf('mqtt: { url: "mqtt://gw@127.0.0.1:1883" }')).toEqual([]);
  });

  it('hides the url password in errors', () => {
    // A password pasted with a space or a slash in it is hidden too.
    for (const password of ['hunter2', 'hunter2 pass', 'hunter2/pass']) {
      try {
        parseConfig(`outputs: { influx: { url: "http://admin:${password}@127.0.0.1:8086/db" } }`);
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
        expect((error as ConfigError).problems[0]?.value).toBe('"http://admin:***@127.0.0.1:8086/db"');
      }
    }
  });

  it('hides a query-string password', () => {
    try {
      parseConfig('outputs: { influx: { url: "http://127.0.0.1:8086/db?u=admin&p=hunter2" } }');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as ConfigError).problems[0]?.value).toBe('"http://127.0.0.1:8086/db?u=admin&p=***"');
      expect((error as ConfigError).problems[0]?.message).toContain('password_env');
    }
  });

  it('names types in YAML words', () => {
    const problems = problemsOf(
      'site: 5\noutputs:\n  queue:\n    commit_delay_ms: 2.5\n    commit_before_ack: "yes"\n    page_points: [1]\n',
    );
    expect(problems).toContain('site: must be a string, not a whole number');
    expect(problems).toContain(
      'outputs.queue.commit_delay_ms: must be a whole number from 0 to 1000, not a number with a fraction',
    );
    expect(problems).toContain('outputs.queue.commit_before_ack: must be true or false, not a string');
    expect(problems).toContain('outputs.queue.page_points: must be a whole number from 1 to 100000, not a list');
  });

  it('shows .inf and .nan as written', () => {
    try {
      parseConfig('outputs:\n  queue:\n    max_queue_points: .inf\n    commit_delay_ms: .nan\n');
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems.map((problem) => problem.value)).toEqual(['.inf', '.nan']);
      expect(problems[0]?.message).toBe('must be a whole number of at least 1, not .inf');
    }
  });

  it('states the range of a bounded number', () => {
    const problems = problemsOf('outputs:\n  queue:\n    insert_commit_points: "abc"\n    commit_max_points: 1.5\n');
    expect(problems).toContain(
      'outputs.queue.insert_commit_points: must be a whole number from 1 to 100000, not a string',
    );
    expect(problems).toContain(
      'outputs.queue.commit_max_points: must be a whole number from 1 to 100000, not a number with a fraction',
    );
  });

  it('states a one-sided bound', () => {
    const problems = problemsOf(
      'outputs:\n  queue:\n    max_dead_letters: "many"\n    self_metrics_interval_s: true\n  local_store:\n    retention_days: "30"\n',
    );
    expect(problems).toContain('outputs.queue.max_dead_letters: must be a whole number of at least 1, not a string');
    expect(problems).toContain(
      'outputs.queue.self_metrics_interval_s: must be a finite number from 0 to 3600, not a boolean',
    );
    expect(problems).toContain(
      'outputs.local_store.retention_days: must be a finite number greater than 0 and at most 3650, not a string',
    );
  });

  it('states the range inside a device entry', () => {
    const problems = problemsOf(
      'devices:\n  - id: ctrl-1\n    protocol: modbus_tcp\n    host: 127.0.0.1\n    profile: generic-tenths-c\n    poll_interval_s: "fast"\n',
    );
    expect(problems).toContain(
      'devices[0].poll_interval_s: must be a finite number greater than 0 and at most 86400, not a string',
    );
  });

  it('reports a bad qos once at its key', () => {
    const problems = problemsOf('mqtt: { qos: 7 }');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe('mqtt.qos: must be 0 or 1 (QoS 2 is not supported)');
  });

  it('says which checks wait for the schema', () => {
    const text = [
      'devices:',
      '  - { id: a, protocol: modbus_tcp, host: 127.0.0.1, profile: no-such-profile, poll_intervall_s: 5 }',
      '  - { id: a, protocol: modbus_tcp, host: 127.0.0.1, profile: no-such-profile }',
    ].join('\n');
    let message = '';
    try {
      parseConfig(text, 'site.yaml');
    } catch (error) {
      message = (error as ConfigError).message;
    }
    expect(message).toContain('poll_intervall_s');
    expect(message.split('\n').at(-1)).toBe(
      'Profile names, duplicate ids and field names are checked once these are fixed; run check-config again.',
    );
  });

  it('states the range of an out-of-range number', () => {
    const problems = problemsOf('outputs:\n  queue:\n    insert_commit_points: 0\n    commit_delay_ms: 5000');
    expect(problems).toContain('outputs.queue.insert_commit_points: must be a whole number from 1 to 100000');
    expect(problems).toContain('outputs.queue.commit_delay_ms: must be a whole number from 0 to 1000');
  });

  it('states what a missing key takes', () => {
    const problems = problemsOf(
      'devices:\n  - id: ctrl-1\n    protocol: modbus_tcp\n    host: 127.0.0.1\n    registers:\n      - { name: air_temp_c, type: float, data_type: int16 }\n',
    );
    expect(problems).toContain('devices[0].registers[0].address: is missing; expected a whole number from 0 to 65535');
    expect(problems).toContain(
      'devices[0].registers[0].table: is missing; expected one of "holding", "input", "coil", "discrete"',
    );
  });

  it('lists the options of a bad value', () => {
    const problems = problemsOf(
      'devices:\n  - id: ctrl-1\n    protocol: modbus_tcp\n    host: 127.0.0.1\n    registers:\n      - { name: air_temp_c, type: int16, table: input, address: 0, data_type: int16 }\n',
    );
    expect(problems).toEqual(['devices[0].registers[0].type: must be one of "float", "integer", "boolean", "string"']);
  });
});

import { describe, expect, it } from 'vitest';
import { problemsOf } from './config-problems.js';

const TLS = 'cert_file: c.pem, key_file: k.pem';

describe('listener port clashes', () => {
  it('rejects http on the broker port', () => {
    const problems = problemsOf('http: { enabled: true, port: 18901 }\nmqtt: { broker: { port: 18901 } }\n');
    expect(problems).toEqual([
      'http.port: is the port of mqtt.broker.port on 127.0.0.1, so the HTTP API cannot listen beside the MQTT broker (EADDRINUSE at start); give http.port or mqtt.broker.port another port',
    ]);
  });

  it('rejects tls on the broker port', () => {
    const problems = problemsOf(`mqtt: { broker: { port: 18901, tls: { port: 18901, ${TLS} } } }\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^mqtt\.broker\.tls\.port: is the port of mqtt\.broker\.port on 127\.0\.0\.1, /);
  });

  it('rejects http on the tls port', () => {
    const problems = problemsOf(
      `http: { enabled: true, port: 8883 }\nmqtt: { broker: { port: 18901, tls: { port: 8883, ${TLS} } } }\n`,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^http\.port: is the port of mqtt\.broker\.tls\.port on 127\.0\.0\.1, /);
  });

  it('rejects overlapping addresses', () => {
    const overlapping = [
      ['0.0.0.0', '127.0.0.1'],
      ['127.0.0.1', '::'],
      ['localhost', '127.0.0.1'],
      ['::1', 'localhost'],
      ['PLC-GW.local', 'plc-gw.local'],
    ];
    for (const [brokerHost, httpHost] of overlapping) {
      const text = `http: { enabled: true, host: "${httpHost}", port: 18901 }\nmqtt: { broker: { host: "${brokerHost}", port: 18901 } }\n`;
      const problems = problemsOf(text).filter((problem) => problem.startsWith('http.port:'));
      expect(problems, `${brokerHost} and ${httpHost}`).toHaveLength(1);
    }
  });

  it('accepts separate listeners', () => {
    const accepted = [
      'http: { enabled: true, port: 18901 }\nmqtt: { broker: { port: 18902 } }\n',
      'http: { enabled: true, host: 127.0.0.2, port: 18901 }\nmqtt: { broker: { host: 127.0.0.1, port: 18901 } }\n',
      'http: { enabled: true, host: "::1", port: 18901 }\nmqtt: { broker: { host: 0.0.0.0, port: 18901 } }\n',
      'http: { enabled: true, port: 0 }\nmqtt: { broker: { port: 0 } }\n',
      'http: { enabled: false, port: 18901 }\nmqtt: { broker: { port: 18901 } }\n',
      'http: { enabled: true, port: 18901 }\nmqtt: { broker: { enabled: false, port: 18901 } }\n',
      'http: { enabled: true, port: 18901 }\nmqtt: { url: "mqtt://127.0.0.1:1883", broker: { port: 18901 } }\n',
    ];
    for (const text of accepted) {
      expect(problemsOf(text), text).toEqual([]);
    }
  });
});

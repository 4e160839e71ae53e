import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../gateway/config/config-error.js';
import { validateConfig } from '../../../gateway/config/load.js';

/** Returns the messages of validating one MQTT device with one field of `name` and `unit`. */
function fieldProblems(name: string, unit: string): string[] {
  try {
    validateConfig({
      devices: [
        {
          id: 'room-a',
          protocol: 'mqtt',
          topic: 'rooms/a',
          payload: { format: 'json', fields: [{ name, path: 'value', unit }] },
        },
      ],
    });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  return [];
}

/** Returns the names that `messages` offer after "for example". */
function suggestions(messages: string[]): string[] {
  return messages.flatMap((message) =>
    [...message.matchAll(/for example (?:to )?([^\s),]+)/g)].map((match) => match[1] ?? ''),
  );
}

const NAMES = ['Air Temp', 'airTemp', 'probe', 'probe_f', 'Probe_K', '1st probe', 'temp-°C', '  ', 'time', 'Évap'];

describe('field name suggestions', () => {
  it.each(NAMES)('suggests a valid temperature name for %j', (name) => {
    const offered = suggestions(fieldProblems(name, 'C'));
    expect(offered.length).toBeGreaterThan(0);
    for (const suggestion of offered) {
      expect(fieldProblems(suggestion, 'C'), suggestion).toEqual([]);
    }
  });

  it.each(NAMES)('suggests a valid plain name for %j', (name) => {
    const offered = suggestions(fieldProblems(name, 'percent'));
    for (const suggestion of offered) {
      expect(fieldProblems(suggestion, 'percent'), suggestion).toEqual([]);
    }
  });

  it('turns Air Temp into air_temp_c', () => {
    expect(suggestions(fieldProblems('Air Temp', 'C'))).toEqual(['air_temp_c']);
  });

  it('turns Air Temp into air_temp without a temperature unit', () => {
    expect(suggestions(fieldProblems('Air Temp', 'percent'))).toEqual(['air_temp']);
  });

  it('keeps accented letters', () => {
    expect(suggestions(fieldProblems('Évap', 'C'))).toEqual(['evap_c']);
  });

  it('suggests a measurement name', () => {
    let measurementMessage = '';
    try {
      validateConfig({
        devices: [
          { id: 'a', protocol: 'mqtt', topic: 'a', profile: 'coldpool-room-celsius', measurement: 'Cold Room' },
        ],
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      measurementMessage = error.problems.map((problem) => problem.message).join('\n');
    }
    expect(suggestions([measurementMessage])).toEqual(['cold_room']);
  });

  it('replaces a Fahrenheit suffix', () => {
    expect(suggestions(fieldProblems('probe_f', 'F'))).toEqual(['probe_c']);
  });
});

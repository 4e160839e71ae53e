import { describe, expect, it } from 'vitest';
import {
  checkDefrostCommand,
  checkSetpointWrite,
  FROZEN_SETPOINT_FLOOR_C,
  SetpointError,
} from '../../gateway/security/setpoint-policy.js';

describe('checkSetpointWrite', () => {
  it.each([
    ['chilled', 3],
    ['chilled', 0],
    ['chilled', 5],
    ['frozen', -22],
    ['frozen', FROZEN_SETPOINT_FLOOR_C],
    ['pharma', 5],
    ['ambient', 20],
  ] as const)('allows %s at %d °C', (temperature_class, value_c) => {
    expect(checkSetpointWrite('admin', temperature_class, value_c)).toBeUndefined();
  });

  it.each([
    ['chilled', 15],
    ['chilled', -1],
    ['frozen', -12],
    ['frozen', -180],
    ['pharma', 1.5],
    ['pharma', 8.5],
    ['ambient', 4],
  ] as const)('rejects %s at %d °C', (temperature_class, value_c) => {
    expect(checkSetpointWrite('admin', temperature_class, value_c)?.code).toBe('SETPOINT_OUT_OF_RANGE');
  });

  it('returns a SetpointError', () => {
    expect(checkSetpointWrite('admin', 'chilled', 15)).toBeInstanceOf(SetpointError);
  });

  it('names value and range', () => {
    expect(checkSetpointWrite('admin', 'chilled', 15)?.message).toContain(
      'setpoint 15 °C is outside the chilled range 0 to 5 °C',
    );
  });

  it('rejects an operator', () => {
    expect(checkSetpointWrite('operator', 'chilled', 3)?.code).toBe('SETPOINT_ROLE_FORBIDDEN');
  });

  it('rejects a viewer', () => {
    expect(checkSetpointWrite('viewer', 'chilled', 3)?.code).toBe('SETPOINT_ROLE_FORBIDDEN');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('rejects non-finite %d', (value_c) => {
    expect(checkSetpointWrite('admin', 'chilled', value_c)?.code).toBe('SETPOINT_NOT_FINITE');
  });

  it('needs a range for custom', () => {
    expect(checkSetpointWrite('admin', 'custom', 10)?.code).toBe('SETPOINT_RANGE_MISSING');
  });

  it('uses the custom range', () => {
    expect(checkSetpointWrite('admin', 'custom', 13, { low_c: 10, high_c: 12 })?.code).toBe('SETPOINT_OUT_OF_RANGE');
  });

  it('allows inside the custom range', () => {
    expect(checkSetpointWrite('admin', 'custom', 11, { low_c: 10, high_c: 12 })).toBeUndefined();
  });
});

describe('checkDefrostCommand', () => {
  it('allows an operator', () => {
    expect(checkDefrostCommand('operator')).toBeUndefined();
  });

  it('rejects a viewer', () => {
    expect(checkDefrostCommand('viewer')?.code).toBe('SETPOINT_ROLE_FORBIDDEN');
  });
});

import { describe, expect, it } from 'vitest';
import { carbonFactorsSchema, coldRoomKwhPerM3Day, fuelLitresPerKm } from '../../scheduler/model/carbon-factors.js';

const factors = carbonFactorsSchema.parse({});

describe('carbon factors', () => {
  // The default truck must land in the 20-25 kg CO2 per 100 km band of a 1.5 t county truck.
  it('keeps the default truck in the county band', () => {
    expect(fuelLitresPerKm(7.5, 9.3, 0, 1500) * 100 * factors.diesel_kg_co2_per_l).toBeCloseTo(20.1, 1);
    expect(fuelLitresPerKm(7.5, 9.3, 1500, 1500) * 100 * factors.diesel_kg_co2_per_l).toBeCloseTo(24.924, 3);
  });

  // Half a payload must cost half the difference between the empty and full rates.
  it('interpolates fuel use linearly with load', () => {
    expect(fuelLitresPerKm(7.5, 9.3, 750, 1500)).toBeCloseTo(0.084, 9);
  });

  // Cold-room emissions rest on this default, so a silent change would shift every staged order.
  it('uses the published grid factor', () => {
    expect(factors.grid_kg_co2_per_kwh).toBe(0.5306);
  });

  // Larger rooms have less wall per m³, so the energy per m³ must fall with volume.
  it('lowers cold-room energy per m3 for larger rooms', () => {
    expect(coldRoomKwhPerM3Day(factors, 300, 'chilled')).toBeLessThan(coldRoomKwhPerM3Day(factors, 30, 'chilled'));
  });

  // Frozen storage draws more power than chilled storage of the same volume.
  it('charges frozen zones more than chilled ones', () => {
    expect(coldRoomKwhPerM3Day(factors, 30, 'frozen')).toBeCloseTo(0.9 * 1.8, 9);
  });
});

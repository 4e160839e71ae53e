import { LocalStore } from '../../../gateway/outputs/local-store.js';

/** Writes a readings store at `path` with 60 readings of 4 °C of room-1, one a minute from `start_ms`. */
export function writeRoomStore(path: string, start_ms: number): void {
  const local = new LocalStore({ path, retention_days: 3650 });
  local.write(
    Array.from({ length: 60 }, (_, minute) => ({
      measurement: 'cold_room',
      tags: { site: 's', asset: 'room-1', device: 'ctl-1' },
      fields: { air_temp_c: 4 },
      integer_fields: new Set<string>(),
      time_ms: start_ms + minute * 60_000,
      time_source: 'source' as const,
    })),
  );
  local.close();
}

/**
 * Door switch reports of the devices of one asset. Each device reports its own switch, so a controller
 * whose unwired input always reads shut cannot close a door that a room node reports open. A report
 * older than the stale limit no longer counts, so a device that went offline with its door open does
 * not keep the asset's door open.
 */

/** Last door report of one device. */
export interface DoorSwitch {
  /** True when the device's last report was open. */
  open: boolean;
  /** Time of the device's last door report, ms. */
  reported_ms: number;
}

/** Door switches of one asset by device id, with '' for readings without a `device` tag. */
export type DoorSwitches = Record<string, DoorSwitch>;

/** Records one device's door report. */
export function recordSwitch(switches: DoorSwitches, device: string, open: boolean, time_ms: number): void {
  const entry = switches[device];
  if (entry === undefined) {
    switches[device] = { open, reported_ms: time_ms };
    return;
  }
  entry.open = open;
  entry.reported_ms = time_ms;
}

/** Summary of the switches of an asset at one time. */
export interface SwitchSummary {
  /** True when a device reported the door open no more than the stale limit ago. */
  open: boolean;
  /** True when a device's last report, stale or not, is open. */
  reported_open: boolean;
}

/** Sums up the switches at `time_ms`: a report older than `stale_after_ms` does not count as open. */
export function summariseSwitches(switches: DoorSwitches, time_ms: number, stale_after_ms: number): SwitchSummary {
  let open = false;
  let reported_open = false;
  for (const entry of Object.values(switches)) {
    if (!entry.open) continue;
    reported_open = true;
    if (time_ms - entry.reported_ms <= stale_after_ms) open = true;
  }
  return { open, reported_open };
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Alarm } from '../../../gateway/alarms/alarm.js';
import { alarmReading } from '../../../gateway/alarms/alarm-reading.js';
import { listDeadLetters } from '../../../gateway/queue/dead-letters.js';
import { DurableQueue, type DurableQueueOptions } from '../../../gateway/queue/durable-queue.js';
import type { Reading } from '../../../gateway/reading.js';

function reading(seq: number, time_ms = 1_764_864_000_000 + seq): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'a', device: 'room-1' },
    fields: { air_temp_c: 2.5, seq },
    integer_fields: new Set(['seq']),
    time_ms,
    time_source: 'source',
    sequence: seq,
  };
}

function queuePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'coldpool-queue-')), 'queue.db');
}

function openQueue(options: Partial<DurableQueueOptions> = {}): DurableQueue {
  return new DurableQueue({ path: queuePath(), outputs: ['influx'], commit_delay_ms: 1, ...options });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function committed(queue: DurableQueue): Promise<void> {
  return new Promise((resolve) => queue.afterCommit(resolve));
}

describe('durable-queue', () => {
  it('reads points back in order', async () => {
    const queue = openQueue();
    for (let seq = 1; seq <= 5; seq++) queue.enqueue([reading(seq)]);
    await committed(queue);
    const page = queue.readPage(0, 10);
    expect(page.map((point) => point.reading.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(page[0]?.reading.time_ms).toBe(1_764_864_000_001);
    expect(page[0]?.reading.integer_fields.has('seq')).toBe(true);
    queue.close();
  });

  it('shares one commit between close readings', async () => {
    const queue = openQueue({ commit_delay_ms: 20 });
    const commits: number[] = [];
    queue.on('committed', (count: number) => commits.push(count));
    for (let seq = 1; seq <= 50; seq++) queue.enqueue([reading(seq)]);
    await committed(queue);
    expect(commits).toEqual([50]);
    queue.close();
  });

  it('calls done only after commit', async () => {
    const queue = openQueue({ commit_delay_ms: 20 });
    let done = false;
    queue.enqueue([reading(1)], () => {
      done = true;
    });
    expect(done).toBe(false);
    expect(queue.readPage(0, 10)).toHaveLength(0);
    await committed(queue);
    expect(done).toBe(true);
    queue.close();
  });

  it('runs insert waiters before the sync', async () => {
    const queue = openQueue({ commit_delay_ms: 20 });
    const order: string[] = [];
    const rowsAtInsert: number[] = [];
    queue.enqueue([reading(1)], () => order.push('done'));
    queue.afterCommit(() => order.push('commit'));
    queue.afterInsert(() => {
      order.push('insert');
      rowsAtInsert.push(queue.readPage(0, 10).length);
    });
    expect(order).toEqual([]);
    await committed(queue);
    expect(order).toEqual(['insert', 'done', 'commit']);
    expect(rowsAtInsert).toEqual([1]);
    queue.close();
  });

  it('runs an insert waiter soon when idle', async () => {
    const queue = openQueue();
    await new Promise<void>((resolve) => queue.afterInsert(resolve));
    queue.close();
  });

  it('commits insert waiters early', async () => {
    const queue = openQueue({ commit_delay_ms: 20, insert_commit_points: 4 });
    const inserted: number[] = [];
    for (let seq = 1; seq <= 6; seq++) {
      queue.enqueue([reading(seq)]);
      queue.afterInsert(() => inserted.push(seq));
    }
    // The fourth waiter reached the bound, so the first four readings were committed synchronously.
    expect(inserted).toEqual([1, 2, 3, 4]);
    expect(queue.readPage(0, 10).map((point) => point.reading.sequence)).toEqual([1, 2, 3, 4]);
    // A caller that waits for the sync does not trigger the early commit, so these wait for one commit.
    for (let seq = 7; seq <= 12; seq++) queue.enqueue([reading(seq)]);
    queue.afterCommit(() => inserted.push(0));
    expect(queue.readPage(0, 20)).toHaveLength(4);
    await committed(queue);
    expect(inserted).toEqual([1, 2, 3, 4, 5, 6, 0]);
    expect(queue.readPage(0, 20)).toHaveLength(12);
    queue.close();
  });

  it('keeps unacknowledged points across reopen', async () => {
    const path = queuePath();
    const first = new DurableQueue({ path, outputs: ['influx'] });
    first.enqueue([reading(1)]);
    first.commit();
    first.enqueue([reading(2), reading(3)]);
    first.commit();
    first.acknowledge('influx', first.readPage(0, 1)[0]?.id ?? 0);
    first.close();
    const second = new DurableQueue({ path, outputs: ['influx'] });
    const page = second.readPage(second.cursorOf('influx'), 10);
    expect(page.map((point) => point.reading.sequence)).toEqual([2, 3]);
    expect(second.stats().depth_points).toBe(2);
    second.close();
  });

  it('reports a removed output with its backlog', () => {
    const path = queuePath();
    const first = new DurableQueue({ path, outputs: ['local_store', 'influx'] });
    first.enqueue([reading(1), reading(2), reading(3)]);
    first.commit();
    first.acknowledge('local_store', first.last_id);
    first.close();

    const second = new DurableQueue({ path, outputs: ['local_store'] });
    expect(second.removedOutputs).toEqual([{ output: 'influx', unacknowledged_points: 3 }]);
    second.enqueue([reading(4)]);
    second.commit();
    second.acknowledge('local_store', second.last_id);
    expect(second.stats().depth_points).toBe(0);
    second.close();

    const third = new DurableQueue({ path, outputs: ['local_store'] });
    expect(third.removedOutputs).toEqual([]);
    third.close();
  });

  it('reports no removed output on reopen', () => {
    const path = queuePath();
    new DurableQueue({ path, outputs: ['influx', 'mqtt_republish'] }).close();
    const reopened = new DurableQueue({ path, outputs: ['mqtt_republish', 'influx'] });
    expect(reopened.removedOutputs).toEqual([]);
    reopened.close();
  });

  it('deletes points once every output acknowledged', async () => {
    const queue = openQueue({ outputs: ['influx', 'mqtt_republish'] });
    queue.enqueue([reading(1), reading(2)]);
    await committed(queue);
    queue.acknowledge('influx', queue.last_id);
    expect(queue.stats().depth_points).toBe(2);
    queue.acknowledge('mqtt_republish', queue.last_id);
    expect(queue.stats().depth_points).toBe(0);
    queue.close();
  });

  it('drops newest points when full', async () => {
    const queue = openQueue({ max_queue_points: 3, overflow: 'drop_newest' });
    for (let seq = 1; seq <= 5; seq++) queue.enqueue([reading(seq)]);
    await committed(queue);
    expect(queue.readPage(0, 10).map((point) => point.reading.sequence)).toEqual([1, 2, 3]);
    expect(queue.stats().dropped_newest).toBe(2);
    queue.close();
  });

  it('drops oldest points when full', async () => {
    const queue = openQueue({ max_queue_points: 3, overflow: 'drop_oldest' });
    for (let seq = 1; seq <= 5; seq++) queue.enqueue([reading(seq)]);
    await committed(queue);
    expect(queue.readPage(0, 10).map((point) => point.reading.sequence)).toEqual([3, 4, 5]);
    expect(queue.stats().dropped_oldest).toBe(2);
    queue.close();
  });

  it('blocks and resumes when full', async () => {
    const queue = openQueue({ max_queue_points: 2 });
    const alarms: string[] = [];
    queue.on('full', () => alarms.push('full'));
    queue.on('resumed', () => alarms.push('resumed'));
    const done: number[] = [];
    for (let seq = 1; seq <= 3; seq++) queue.enqueue([reading(seq)], () => done.push(seq));
    queue.enqueue([reading(4)]);
    let acknowledged = false;
    const stored = committed(queue).then(() => {
      acknowledged = true;
    });
    await vi.waitFor(() => expect(done).toEqual([1, 2]), { timeout: 5000 });
    expect(acknowledged).toBe(false);
    expect(queue.stats().full).toBe(true);
    expect(queue.stats().dropped_full).toBe(0);
    queue.acknowledge('influx', queue.last_id);
    await stored;
    expect(done).toEqual([1, 2, 3]);
    expect(queue.readPage(queue.cursorOf('influx'), 10).map((point) => point.reading.sequence)).toEqual([3, 4]);
    expect(alarms).toEqual(['full', 'resumed']);
    queue.close();
  });

  it('commits held readings on close', async () => {
    const path = queuePath();
    const queue = new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 1, max_queue_points: 2 });
    const done: number[] = [];
    for (let seq = 1; seq <= 4; seq++) queue.enqueue([reading(seq)], () => done.push(seq));
    // The commit's sync runs in libuv's thread pool, which a loaded machine can delay beyond a fixed sleep.
    await vi.waitFor(() => expect(done).toEqual([1, 2]), { timeout: 5000 });
    await sleep(50);
    expect(done).toEqual([1, 2]);
    const closed = queue.close();
    expect(closed.depth_points).toBe(4);
    expect(closed.accepted).toBe(4);
    await vi.waitFor(() => expect(done).toEqual([1, 2, 3, 4]), { timeout: 5000 });
    const reopened = new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 1 });
    expect(reopened.readPage(0, 10).map((point) => point.reading.sequence)).toEqual([1, 2, 3, 4]);
    reopened.close();
  });

  it('drops beyond the held bound', async () => {
    const queue = openQueue({ max_queue_points: 2, max_blocked_points: 1 });
    for (let seq = 1; seq <= 4; seq++) queue.enqueue([reading(seq)]);
    await vi.waitFor(() => expect(queue.stats().dropped_full).toBe(1), { timeout: 5000 });
    queue.acknowledge('influx', queue.last_id);
    await committed(queue);
    expect(queue.readPage(queue.cursorOf('influx'), 10).map((point) => point.reading.sequence)).toEqual([3]);
    queue.close();
  });

  it('keeps the newest receive time', async () => {
    const path = queuePath();
    const received_ms = Date.now() - 60_000;
    const queue = new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 1 });
    const received = { ...reading(1, received_ms), time_source: 'receive' as const };
    queue.enqueue([received, reading(2, received_ms + 30_000)]);
    await committed(queue);
    expect(queue.newest_receive_ms).toBe(received_ms);
    queue.close();
    const reopened = new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 1 });
    expect(reopened.newest_receive_ms).toBe(received_ms);
    reopened.close();
  });

  it('caps a receive time ahead of the clock', async () => {
    const queue = openQueue();
    const before_ms = Date.now();
    queue.enqueue([{ ...reading(1, before_ms + 240_000), time_source: 'receive' }]);
    await committed(queue);
    const after_ms = Date.now();
    expect(queue.newest_receive_ms).toBeGreaterThanOrEqual(before_ms);
    expect(queue.newest_receive_ms).toBeLessThanOrEqual(after_ms);
    queue.close();
  });

  it('ignores alarm reading times', async () => {
    const queue = openQueue();
    const raised_ms = Date.now() - 1000;
    const alarm: Alarm = {
      id: 'room-1:room-1:probe_fault:1',
      kind: 'probe_fault',
      level: 'warning',
      rule: 'probe_fault',
      site: 's',
      asset: 'room-1',
      device: 'room-1',
      message: 'room-1 probe air_temp_c on room-1 reports SENSOR_SENTINEL (-127)',
      raised_ms,
      active: true,
      comments: [],
      last_notified_ms: raised_ms,
      escalation_step: -1,
      notifications: 0,
    };
    queue.enqueue([alarmReading(alarm, raised_ms)]);
    await committed(queue);
    expect(queue.newest_receive_ms).toBe(0);
    queue.close();
  });

  it('resets the receive clock', async () => {
    const path = queuePath();
    const queue = new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 1 });
    queue.enqueue([{ ...reading(1, Date.now() - 1000), time_source: 'receive' }]);
    await committed(queue);
    queue.resetReceiveClock();
    expect(queue.newest_receive_ms).toBe(0);
    queue.close();
    const reopened = new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 1 });
    expect(reopened.newest_receive_ms).toBe(0);
    reopened.close();
  });

  it('retries a failed commit', async () => {
    const queue = openQueue();
    queue.enqueue([reading(1)]);
    await committed(queue);
    const errors: { code?: string; message: string }[] = [];
    queue.on('commit_error', (error) => errors.push(error));
    const events: string[] = [];
    queue.on('full', () => events.push('full'));
    queue.on('commit_recovered', () => events.push('commit_recovered'));
    // SQLite reports SQLITE_FULL once the file may not grow, as on a full disk.
    const db = (queue as unknown as { db: { pragma(source: string, options?: { simple: boolean }): unknown } }).db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    const done: string[] = [];
    queue.enqueue(
      Array.from({ length: 2000 }, (_, index) => reading(index + 2)),
      () => done.push('entry'),
    );
    const stored = committed(queue).then(() => done.push('waiter'));
    await sleep(100);
    queue.enqueue([reading(5000)]);
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(['QUEUE_COMMIT_FAILED']), {
      timeout: 5000,
    });
    expect(errors[0]?.message).toContain('2000 points wait in memory');
    expect(done).toEqual([]);
    expect(queue.stats().commit_failed).toBe(0);
    db.pragma('max_page_count = 1000000');
    await stored;
    expect(done).toEqual(['entry', 'waiter']);
    expect(queue.stats().depth_points).toBe(2002);
    expect(events).toEqual(['commit_recovered']);
    queue.close();
  });

  it('bounds by bytes', async () => {
    const queue = openQueue({ max_queue_bytes: 1024, overflow: 'drop_newest' });
    for (let seq = 1; seq <= 40; seq++) queue.enqueue([reading(seq)]);
    await committed(queue);
    expect(queue.stats().depth_bytes).toBeLessThanOrEqual(1024);
    expect(queue.stats().depth_points + queue.stats().dropped_newest).toBe(40);
    queue.close();
  });

  it('lists dead letters with reason', async () => {
    const queue = openQueue();
    queue.enqueue([reading(1)]);
    await committed(queue);
    queue.acknowledge('influx', queue.last_id, [{ reading: reading(1), reason: 'field type conflict' }]);
    const letters = listDeadLetters(queue.settings.path);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reason).toBe('field type conflict');
    expect(letters[0]?.reading?.sequence).toBe(1);
    queue.close();
  });

  it('survives a full disk on acknowledge', async () => {
    const queue = openQueue();
    queue.enqueue(Array.from({ length: 50 }, (_, index) => reading(index + 1)));
    await committed(queue);
    const errors: { code?: string; message: string }[] = [];
    queue.on('commit_error', (error) => errors.push(error));
    // SQLite reports SQLITE_FULL once the file may not grow, as on a full disk.
    const db = (queue as unknown as { db: { pragma(source: string): unknown } }).db;
    db.pragma('max_page_count = 1');
    const letters = Array.from({ length: 200 }, (_, index) => ({
      reading: reading(index),
      reason: 'rejected '.repeat(50),
    }));
    queue.acknowledge('influx', queue.last_id, letters);
    expect(errors.map((error) => error.code)).toEqual(['QUEUE_ACK_FAILED']);
    expect(errors[0]?.message).toContain('check free disk space');
    expect(queue.cursorOf('influx')).toBe(queue.last_id);
    expect(queue.stats().depth_points).toBe(50);
    queue.close();
  });

  it('covers a failed acknowledge later', async () => {
    const path = queuePath();
    const queue = openQueue({ path });
    queue.enqueue(Array.from({ length: 50 }, (_, index) => reading(index + 1)));
    await committed(queue);
    const db = (queue as unknown as { db: { pragma(source: string, options?: { simple: boolean }): unknown } }).db;
    const pages = Number(db.pragma('max_page_count', { simple: true }));
    db.pragma('max_page_count = 1');
    const failed: string[] = [];
    queue.on('commit_error', (error) => failed.push(error.code));
    // Dead letters make the transaction grow the file, which the page limit rejects.
    const letters = Array.from({ length: 200 }, (_, index) => ({
      reading: reading(index),
      reason: 'rejected '.repeat(50),
    }));
    queue.acknowledge('influx', queue.last_id, letters);
    expect(failed).toEqual(['QUEUE_ACK_FAILED']);
    db.pragma(`max_page_count = ${pages}`);
    queue.enqueue([reading(51)]);
    await committed(queue);
    queue.acknowledge('influx', queue.last_id);
    queue.close();
    const reopened = openQueue({ path });
    expect(reopened.pendingFor('influx')).toBe(0);
    expect(reopened.readPage(0, 100)).toEqual([]);
    reopened.close();
  });

  it('reads whole rows per page', async () => {
    const queue = openQueue();
    for (let seq = 1; seq <= 3; seq++) {
      queue.enqueue([reading(seq)]);
      queue.commit();
    }
    const page = queue.readPage(0, 2);
    expect(page.map((point) => point.reading.sequence)).toEqual([1, 2]);
    expect(queue.readPage(page[1]?.id ?? 0, 2).map((point) => point.reading.sequence)).toEqual([3]);
    queue.close();
  });

  it('splits large commits into rows', async () => {
    const queue = openQueue({ commit_max_points: 10 });
    queue.enqueue(Array.from({ length: 25 }, (_, index) => reading(index + 1)));
    queue.commit();
    const ids = new Set(queue.readPage(0, 100).map((point) => point.id));
    expect(ids.size).toBe(3);
    expect(queue.pendingFor('influx')).toBe(25);
    queue.close();
  });

  it('reports age of oldest point', async () => {
    const queue = openQueue();
    queue.enqueue([reading(1)]);
    await committed(queue);
    expect(queue.stats(Date.now() + 5000).oldest_age_ms).toBeGreaterThanOrEqual(5000);
    queue.close();
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxSink } from '../../../gateway/outputs/influx-sink.js';
import { InfluxWorkerSink } from '../../../gateway/outputs/influx-worker-sink.js';
import type { FieldConflictCount } from '../../../gateway/outputs/removed-field-letters.js';
import { listDeadLetters } from '../../../gateway/queue/dead-letters.js';
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import { QueueConsumer } from '../../../gateway/queue/queue-consumer.js';
import type { Reading } from '../../../gateway/reading.js';
import { rows } from '../../faults/support/influx-tally.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';
import { BASE_TIME_MS, until } from './support/delivery-fixtures.js';

/** Returns a cold_room reading of device `device` at second `second` with `fields`. */
function point(device: string, second: number, fields: Reading['fields']): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'a', device },
    fields,
    integer_fields: new Set(),
    time_ms: BASE_TIME_MS + second * 1000,
    time_source: 'source',
  };
}

/** Writes float humidity and a string door field first, so that later points conflict with them. */
async function createFields(influxd: Influxd, db: string): Promise<void> {
  await influxd.query(`CREATE DATABASE ${db}`);
  const body = `cold_room,asset=a,device=seed,site=s humidity_pct=55.5,door="closed" ${BASE_TIME_MS}`;
  const response = await fetch(`${influxd.url}/write?db=${db}&precision=ms`, { method: 'POST', body });
  expect(response.status).toBe(204);
}

async function valuesOf(influxd: Influxd, db: string, field: string): Promise<unknown[]> {
  const result = await influxd.query(`SELECT "${field}" FROM cold_room WHERE device != 'seed'`, db);
  return rows(result).map((row: Record<string, unknown>) => row[field]);
}

/** A conflicting point among normal ones, a point with two conflicting fields and one with no other field. */
const batch: Reading[] = [
  point('room-1', 1, { air_temp_c: 3.1, humidity_pct: 61.5 }),
  point('room-2', 2, { air_temp_c: 3.3, humidity_pct: true }),
  point('room-3', 3, { air_temp_c: 3.5, humidity_pct: 62 }),
  point('room-4', 4, { air_temp_c: 3.7, humidity_pct: false, door: true }),
  point('room-5', 5, { humidity_pct: true }),
];

for (const worker_thread of [true, false]) {
  describe(`type conflict with worker_thread ${worker_thread}`, () => {
    let influxd: Influxd;

    beforeAll(async () => {
      influxd = await startInfluxd();
    });

    afterAll(async () => {
      await influxd?.stop();
    });

    for (const keep_readings of [true, false]) {
      it(`writes other fields, keep_readings ${keep_readings}`, async () => {
        const db = `conflict_${keep_readings ? 'json' : 'lines'}`;
        await createFields(influxd, db);
        const path = join(mkdtempSync(join(tmpdir(), 'coldpool-conflict-')), 'queue.db');
        const options = { url: `${influxd.url}/${db}`, batch_size: 100 };
        const sink = worker_thread ? new InfluxWorkerSink(options, path) : new InfluxSink(options);
        const conflicts: FieldConflictCount[] = [];
        sink.on('field_type_conflict', (conflict: FieldConflictCount) => conflicts.push(conflict));
        const queue = new DurableQueue({
          path,
          outputs: ['influx'],
          commit_delay_ms: 1,
          line_encoder: (item) => sink.encodeLine(item),
          keep_readings,
        });
        queue.enqueue(batch);
        queue.commit();
        const consumer = new QueueConsumer(queue, sink, { pages_in_flight: sink.pages_in_flight });
        await consumer.start();
        await until(() => queue.cursorOf('influx') === queue.last_id);
        const stats = consumer.stats();
        await consumer.stop();
        queue.close();

        expect(await valuesOf(influxd, db, 'air_temp_c')).toEqual([3.1, 3.3, 3.5, 3.7]);
        expect(await valuesOf(influxd, db, 'humidity_pct')).toEqual([61.5, 62]);
        expect(stats.written).toBe(4);
        expect(stats.rejected).toBe(1);

        const letters = listDeadLetters(path).sort((left, right) => left.id - right.id);
        const shown = letters.map((letter) =>
          letter.reading !== undefined
            ? { device: letter.reading.tags.device, fields: letter.reading.fields }
            : { line: letter.line },
        );
        const expected: unknown[] = keep_readings
          ? [
              { device: 'room-2', fields: { humidity_pct: true } },
              { device: 'room-4', fields: { humidity_pct: false, door: true } },
              { device: 'room-5', fields: { humidity_pct: true } },
            ]
          : [
              { line: `cold_room,asset=a,device=room-2,site=s humidity_pct=true ${BASE_TIME_MS + 2000}` },
              { line: `cold_room,asset=a,device=room-4,site=s humidity_pct=false,door=true ${BASE_TIME_MS + 4000}` },
              { line: `cold_room,asset=a,device=room-5,site=s humidity_pct=true ${BASE_TIME_MS + 5000}` },
            ];
        expect(shown).toEqual(expect.arrayContaining(expected));
        expect(shown).toHaveLength(expected.length);
        const room2 = letters.find((letter) => (letter.reading?.tags.device ?? letter.line)?.includes('room-2'));
        expect(room2?.reason).toContain(
          'input field "humidity_pct" on measurement "cold_room" is type boolean, already exists as type float',
        );
        const fields = conflicts.map((conflict) => conflict.field).sort();
        expect(fields).toEqual(['door', 'humidity_pct']);
        const humidity = conflicts.find((conflict) => conflict.field === 'humidity_pct');
        expect(humidity?.count).toBe(2);
      });
    }
  });
}

/**
 * Child process for the queue SIGKILL test: enqueues readings as fast as it can and prints the sequence
 * number of each one on stdout once `done` reports it committed. Usage: queue-writer.ts QUEUE_PATH
 */
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: queue-writer.ts QUEUE_PATH');
const queue = new DurableQueue({ path, outputs: ['influx'] });
let seq = 0;

function burst(): void {
  for (let index = 0; index < 50; index++) {
    seq += 1;
    const sequence = seq;
    queue.enqueue(
      [
        {
          measurement: 'cold_room',
          tags: { site: 's', asset: 'a', device: 'writer' },
          fields: { air_temp_c: 2.5, seq: sequence },
          integer_fields: new Set(['seq']),
          time_ms: 1_764_864_000_000 + sequence,
          time_source: 'source',
          sequence,
        },
      ],
      () => process.stdout.write(`${sequence}\n`),
    );
  }
  setImmediate(burst);
}

burst();

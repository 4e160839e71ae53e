import { describe, expect, it } from 'vitest';
import { InfluxBatchWriter } from '../../../gateway/outputs/influx-batch-writer.js';
import type { InfluxHttpClient, WriteResponse } from '../../../gateway/outputs/influx-http.js';
import { resolveInfluxOptions } from '../../../gateway/outputs/influx-options.js';

const CONFLICT =
  'partial write: field type conflict: input field "h" on measurement "m" is type boolean, already exists as type float';

/** Returns a writer whose HTTP client returns `responses` in order, and the bodies sent to it. */
function scriptedWriter(responses: WriteResponse[]): { writer: InfluxBatchWriter; bodies: string[] } {
  const bodies: string[] = [];
  const http = {
    write: async (body: string): Promise<WriteResponse> => {
      bodies.push(body);
      return responses.shift() ?? { status: 500, body: '{"error":"timeout"}' };
    },
  } as unknown as InfluxHttpClient;
  const settings = resolveInfluxOptions({ url: 'http://127.0.0.1:9/db' });
  const writer = new InfluxBatchWriter(settings, http, { onWriteError: () => {}, sleep: async () => {} });
  writer.database_ready = true;
  return { writer, bodies };
}

function partial(dropped: number): WriteResponse {
  return { status: 400, body: JSON.stringify({ error: `${CONFLICT} dropped=${dropped}` }) };
}

describe('InfluxBatchWriter type conflicts', () => {
  it('resends without the field', async () => {
    const { writer, bodies } = scriptedWriter([partial(1), { status: 204, body: '' }]);
    const result = await writer.send(['m t=1,h=true 1', 'm t=2 2'], () => false);
    expect(bodies[1]).toBe('m t=1 1');
    expect(result.written).toBe(2);
    expect(result.rejected).toEqual([]);
    expect(result.removed_fields.map((removed) => removed.line)).toEqual(['m t=1,h=true 1']);
    expect(result.removed_fields[0]?.conflicts.map((conflict) => conflict.field)).toEqual(['h']);
  });

  it('reports original of rejected resend', async () => {
    const unparsable = {
      status: 400,
      body: JSON.stringify({ error: "partial write: unable to parse 'm t=1 1': bad dropped=0" }),
    };
    const { writer } = scriptedWriter([partial(1), unparsable]);
    const result = await writer.send(['m t=1,h=true 1'], () => false);
    expect(result.rejected.map((rejected) => rejected.lines)).toEqual([['m t=1,h=true 1']]);
    expect(result.removed_fields).toEqual([]);
  });

  it('reports no removed fields when abandoned', async () => {
    const { writer } = scriptedWriter([partial(1)]);
    const result = await writer.send(['m t=1,h=true 1'], () => true);
    expect(result.abandoned).toEqual(['m t=1,h=true 1']);
    expect(result.removed_fields).toEqual([]);
    expect(result.written).toBe(0);
  });
});

/**
 * A raw RTU peer for bus tests: it splits what the gateway sends into 8-byte read requests and lets the
 * test decide, per request, which bytes go back.
 */
import { openRawPeer, type RawSerialPeer } from './pty-pair.js';

/** One read request as the peer received it, with the time it arrived. */
export interface ReceivedRequest {
  unit_id: number;
  function_code: number;
  start: number;
  quantity: number;
  time_ms: number;
}

/** Returns the bytes to send back, or undefined to stay silent. */
export type Responder = (request: ReceivedRequest) => Buffer | undefined | Promise<Buffer | undefined>;

export interface RtuResponder {
  peer: RawSerialPeer;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Opens `path` and replies to every 8-byte request with the bytes `respond` returns. */
export async function startRtuResponder(path: string, respond: Responder): Promise<RtuResponder> {
  const peer = await openRawPeer(path);
  const requests: ReceivedRequest[] = [];
  let open = true;
  const loop = async () => {
    while (open) {
      const frame = await peer.nextRequest(8);
      if (!open) return;
      const request = {
        unit_id: frame[0]!,
        function_code: frame[1]!,
        start: frame.readUInt16BE(2),
        quantity: frame.readUInt16BE(4),
        time_ms: Date.now(),
      };
      requests.push(request);
      const reply = await respond(request);
      if (reply && open) await peer.write(reply);
    }
  };
  void loop();
  return {
    peer,
    requests,
    close: async () => {
      open = false;
      await peer.close();
    },
  };
}

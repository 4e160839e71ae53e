/** Keeps aedes from sending a client live messages before its CONNACK. */
import type { Aedes, AedesPublishPacket, Client } from 'aedes';

/**
 * Withholds live messages from a client until aedes has sent its CONNACK. aedes 1.2 restores the
 * subscriptions of a resumed session (clean session off) before it writes the CONNACK
 * (lib/handlers/connect.js), and it writes every message routed in between ahead of the CONNACK.
 * MQTT 3.1.1 section 3.2 requires CONNACK to be the first packet from the server. mqtt.js 5.16 handles
 * received packets one at a time and finishes a QoS 1 PUBLISH only after it sends the PUBACK, which it
 * queues until connected. It then never reads the CONNACK, and its connect times out.
 * A withheld QoS 1 or 2 message is not lost, because aedes queues it in the persistence for every stored
 * subscription before it routes it, and it sends that queue after the CONNACK. A withheld message that
 * aedes would deliver at QoS 0 is dropped, as QoS 0 allows.
 */
export class ConnackGate {
  private readonly acknowledged = new WeakSet<Client>();

  /** aedes `authorizeForward` hook: returns null, so aedes skips the delivery, until CONNACK is sent. */
  readonly authorizeForward = (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null =>
    this.acknowledged.has(client) ? packet : null;

  /** Marks each client whose CONNACK aedes has written. aedes emits the event before it sends the queue. */
  watch(broker: Aedes): void {
    broker.on('connackSent', (_packet, client) => this.acknowledged.add(client));
  }
}

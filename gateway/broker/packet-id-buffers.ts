/**
 * mqtt-packet, the encoder of aedes and of mqtt.js, writes packet ids from a table of 65,536 two-byte
 * Buffers that it builds when it encodes its first packet. The table takes about 6 MiB of heap for the
 * life of the process (a heap snapshot of an idle gateway). Without it, each id is written from a new
 * two-byte Buffer, one small allocation per acknowledgement.
 */
import mqttPacket from 'mqtt-packet';

/** Makes mqtt-packet write packet ids without its table. Call it before the first MQTT packet is sent. */
export function writePacketIdsWithoutTable(): void {
  mqttPacket.writeToStream.cacheNumbers = false;
}

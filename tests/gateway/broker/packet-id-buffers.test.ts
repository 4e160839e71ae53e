import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { writePacketIdsWithoutTable } from '../../../gateway/broker/packet-id-buffers.js';

describe('writePacketIdsWithoutTable', () => {
  afterEach(() => {
    mqttPacket.writeToStream.cacheNumbers = true;
  });

  it('turns the id table off', () => {
    writePacketIdsWithoutTable();
    expect(mqttPacket.writeToStream.cacheNumbers).toBe(false);
  });

  it('still encodes packet ids', () => {
    writePacketIdsWithoutTable();
    const puback = mqttPacket.generate({ cmd: 'puback', messageId: 0x1234 });
    expect([...puback]).toEqual([0x40, 0x02, 0x12, 0x34]);
  });
});

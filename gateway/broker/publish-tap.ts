/**
 * Lets the gateway read every PUBLISH a client sends to the embedded broker in the same process, before
 * the broker acknowledges it. aedes 1.x runs the `authorizePublish` hook, then writes the PUBACK of a
 * QoS 1 message, then routes the message (lib/handlers/publish.js). A tap that runs after the
 * authorisation and calls `done` only once the message's readings are on disk therefore makes the PUBACK
 * mean "stored" (MQTT 3.1.1 section 4.3.2: the receiver owns the message once it sends PUBACK).
 * aedes hands every packet of one socket read to the handlers at once. The messages of a burst thus
 * wait for one group commit together, and the client's next read waits until they are acknowledged.
 */
import type { PublishPacket } from 'aedes';

/** A published message passed to the tap. */
export interface TappedMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
}

/** Handler of published messages. It calls `done` once, when the broker may acknowledge and route the message. */
export type PublishTap = (message: TappedMessage, done: () => void) => void;

type AuthorizePublish = (client: unknown, packet: PublishPacket, callback: (error?: Error | null) => void) => void;

/** Holder of the current tap, wired into the broker's authorisation hook. */
export class PublishTapSlot {
  private tap: PublishTap | undefined;

  /** Sets the tap; `undefined` removes it. */
  set(tap: PublishTap | undefined): void {
    this.tap = tap;
  }

  /** Wraps the broker's authorisation hook so that authorised messages pass through the tap. */
  wrap(authorize: AuthorizePublish | undefined): AuthorizePublish {
    return (client, packet, callback) => {
      const pass = (error?: Error | null): void => {
        const tap = this.tap;
        if (error || tap === undefined) {
          callback(error ?? null);
          return;
        }
        const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
        tap({ topic: packet.topic, payload, qos: packet.qos }, () => callback(null));
      };
      if (authorize === undefined) pass(null);
      else authorize(client, packet, pass);
    };
  }
}

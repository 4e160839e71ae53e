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

/** A message that arrived while no tap was set, with the broker's callback. */
interface HeldMessage {
  message: TappedMessage;
  done: () => void;
}

/** Holder of the current tap, wired into the broker's authorisation hook. */
export class PublishTapSlot {
  private tap: PublishTap | undefined;
  private heldMessages: HeldMessage[] = [];

  /**
   * With `hold_without_tap`, a message that arrives while no tap is set waits, unacknowledged, for the
   * next tap. A broker that stops first never acknowledges it, so the client sends it again. Without
   * the option, such a message passes at once. Each connection has at most one socket read of messages
   * waiting, because aedes reads on only once they are settled.
   */
  constructor(private readonly hold_without_tap = false) {}

  /** Sets the tap and hands it the messages that waited for one; `undefined` removes it. */
  set(tap: PublishTap | undefined): void {
    this.tap = tap;
    if (tap === undefined) return;
    const waiting = this.heldMessages;
    this.heldMessages = [];
    for (const { message, done } of waiting) tap(message, done);
  }

  /** Wraps the broker's authorisation hook so that authorised messages pass through the tap. */
  wrap(authorize: AuthorizePublish | undefined): AuthorizePublish {
    if (authorize === undefined) return (_client, packet, callback) => this.pass(packet, callback);
    return (client, packet, callback) => {
      authorize(client, packet, (error) => {
        if (error) callback(error);
        else this.pass(packet, callback);
      });
    };
  }

  /**
   * Hands an authorised message to the tap, with aedes's packet as the message and aedes's callback as
   * `done`. A message waits for its commit, so any object made here for it would live as long.
   */
  private pass(packet: PublishPacket, callback: (error?: Error | null) => void): void {
    const tap = this.tap;
    if (tap === undefined && !this.hold_without_tap) {
      callback(null);
      return;
    }
    const message: TappedMessage =
      typeof packet.payload === 'string'
        ? { topic: packet.topic, payload: Buffer.from(packet.payload), qos: packet.qos }
        : (packet as TappedMessage);
    if (tap === undefined) this.heldMessages.push({ message, done: callback });
    else tap(message, callback);
  }
}

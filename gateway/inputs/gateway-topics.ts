import { ALARM_COMMAND_TOPIC } from '../cold-chain.js';
import type { GatewayConfig } from '../config/schema.js';

/**
 * Returns the topics that the gateway itself publishes to or subscribes to on its broker: republished
 * readings, alarm and calibration notifications, alarm commands, orders and plans. A message on one of
 * them was not sent by a device on a wrong topic, so the MQTT input does not count it as unknown.
 */
export function gatewayOwnTopics(config: GatewayConfig): string[] {
  return [
    `${config.mqtt.republish.topic_prefix}/#`,
    `${config.alarms.notify.mqtt_topic_prefix}/#`,
    ALARM_COMMAND_TOPIC,
    config.planning.orders_topic,
    config.planning.plans_topic,
  ];
}

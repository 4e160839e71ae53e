/** Public API of the MQTT input driver. */
export { type DecodeContext, decodePayload } from './json-codec.js';
export { type CompiledJsonPath, compileJsonPath, JsonPathError } from './json-path.js';
export { PAYLOAD_EXCERPT_MAX_CHARS, PayloadError, type PayloadErrorCode } from './payload-error.js';
export {
  compileMapping,
  type DeviceIdSource,
  deviceIdSource,
  isLorawanFormat,
  type JsonFieldMapping,
  LORAWAN_FORMATS,
  LORAWAN_HEALTH_FIELDS,
  type PayloadFormat,
  type PayloadMapping,
  PayloadMappingError,
  type SplitMapping,
} from './payload-mapping.js';
export {
  MqttSubscriber,
  type MqttSubscriberEvents,
  type MqttSubscriberOptions,
  OTHER_TOPICS_KEY,
  type PayloadErrorEvent,
  type RetainedSkippedEvent,
  type SamplesEvent,
  type SubscriberCounters,
} from './subscriber.js';
export { MqttSubscriberError, type MqttSubscriberErrorCode } from './subscriber-error.js';
export {
  TopicFilterError,
  type TopicRoute,
  TopicRouter,
  type TopicSubscription,
  topicMatches,
  validateTopicFilter,
} from './topic-router.js';

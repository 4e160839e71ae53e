/**
 * Registry of every stable error and fault code that coldpool raises, emits or stores, by area. The codes
 * themselves are declared where they are raised, and this list lets other code and tools enumerate them.
 * docs/errors.md explains each code, and tests/docs/error-codes.test.ts fails when the source, this list
 * and the document disagree.
 */
import { API_ERROR_STATUS } from '../api/errors.js';

/** Part of the product that raises a code. Each area has one table in docs/errors.md. */
export type ErrorArea =
  | 'config'
  | 'mqtt'
  | 'modbus'
  | 'sensor_fault'
  | 'output'
  | 'queue'
  | 'alarm'
  | 'api'
  | 'security'
  | 'scheduler'
  | 'simulator';

/** Every area, in the order of the tables in docs/errors.md. */
export const ERROR_AREAS: readonly ErrorArea[] = [
  'config',
  'mqtt',
  'modbus',
  'sensor_fault',
  'output',
  'queue',
  'alarm',
  'api',
  'security',
  'scheduler',
  'simulator',
];

/** Registry entry of one code. */
export interface ErrorCodeInfo {
  /** Area that raises the code. */
  readonly area: ErrorArea;
  /** HTTP status of the response that carries the code. Absent for codes that never reach an HTTP client. */
  readonly http_status?: number;
}

/** Stable codes with their area and, for codes sent in an HTTP error body, the status of that response. */
export const ERROR_CODES = {
  // Configuration files and secrets.
  CONFIG_INVALID: { area: 'config' },
  CONFIG_SECRET_UNREADABLE: { area: 'config' },

  // MQTT: embedded and clustered broker, subscriber, mappings, whole payloads and single fields.
  BROKER_AUTH_REQUIRED: { area: 'mqtt' },
  BROKER_LISTEN_FAILED: { area: 'mqtt' },
  BROKER_OPTION_INVALID: { area: 'mqtt' },
  BROKER_TLS_INVALID: { area: 'mqtt' },
  CLUSTER_REDIS_FAILED: { area: 'mqtt' },
  CLUSTER_BROKER_LISTEN_FAILED: { area: 'mqtt' },
  UPSTREAM_MESSAGE_INVALID: { area: 'mqtt' },
  MQTT_URL_INVALID: { area: 'mqtt' },
  MQTT_CONNECT_FAILED: { area: 'mqtt' },
  MQTT_CONNECT_TIMEOUT: { area: 'mqtt' },
  MQTT_SUBSCRIBE_REJECTED: { area: 'mqtt' },
  MQTT_CLIENT_ERROR: { area: 'mqtt' },
  MQTT_LISTENER_FAILED: { area: 'mqtt' },
  MQTT_TOPIC_FILTER_INVALID: { area: 'mqtt' },
  MQTT_UNKNOWN_TOPIC: { area: 'mqtt' },
  MQTT_RETAINED_SKIPPED: { area: 'mqtt' },
  MQTT_PAYLOAD_TOO_LARGE: { area: 'mqtt' },
  JSON_PATH_INVALID: { area: 'mqtt' },
  PAYLOAD_MAPPING_INVALID: { area: 'mqtt' },
  PAYLOAD_EMPTY: { area: 'mqtt' },
  PAYLOAD_DEVICE_ID_INVALID: { area: 'mqtt' },
  PAYLOAD_NOT_UTF8: { area: 'mqtt' },
  PAYLOAD_JSON_INVALID: { area: 'mqtt' },
  PAYLOAD_NOT_NUMBER: { area: 'mqtt' },
  PAYLOAD_NOT_UPLINK: { area: 'mqtt' },
  PAYLOAD_NOT_DECODED: { area: 'mqtt' },
  PAYLOAD_DEVICE_ID_MISSING: { area: 'mqtt' },
  PAYLOAD_SPLIT_NOT_ARRAY: { area: 'mqtt' },
  PAYLOAD_NOT_OBJECT: { area: 'mqtt' },
  PAYLOAD_INVALID: { area: 'mqtt' },
  FIELD_MISSING: { area: 'mqtt' },
  FIELD_NULL: { area: 'mqtt' },
  FIELD_NOT_NUMBER: { area: 'mqtt' },
  FIELD_NOT_INTEGER: { area: 'mqtt' },
  FIELD_NOT_BOOLEAN: { area: 'mqtt' },
  FIELD_NOT_STRING: { area: 'mqtt' },
  FIELD_OUT_OF_RANGE: { area: 'mqtt' },
  TIME_MISSING: { area: 'mqtt' },
  TIME_INVALID: { area: 'mqtt' },
  TIME_REPEATED: { area: 'mqtt' },
  SEQUENCE_MISSING: { area: 'mqtt' },
  SEQUENCE_INVALID: { area: 'mqtt' },
  TAG_MISSING: { area: 'mqtt' },

  // Modbus TCP and RTU.
  MODBUS_EXCEPTION: { area: 'modbus' },
  MODBUS_TIMEOUT: { area: 'modbus' },
  MODBUS_CONNECTION_FAILED: { area: 'modbus' },
  MODBUS_SERIAL_PORT_FAILED: { area: 'modbus' },
  MODBUS_FRAME_INVALID: { area: 'modbus' },
  MODBUS_CONFIG_INVALID: { area: 'modbus' },
  MODBUS_REPLY_SHORT: { area: 'modbus' },
  MODBUS_VALUE_NOT_FINITE: { area: 'modbus' },
  MODBUS_POLL_FAILED: { area: 'modbus' },

  // Sensor faults: values a driver decoded but the pipeline does not store as readings.
  SENSOR_SENTINEL: { area: 'sensor_fault' },
  SENSOR_OUT_OF_RANGE: { area: 'sensor_fault' },
  SENSOR_NOT_A_NUMBER: { area: 'sensor_fault' },
  SENSOR_NOT_INTEGER: { area: 'sensor_fault' },
  SENSOR_NOT_BOOLEAN: { area: 'sensor_fault' },

  // Outputs: InfluxDB, line protocol, local store, MQTT republish.
  OUTPUT_OPTION_INVALID: { area: 'output' },
  OUTPUT_WRITE_FAILED: { area: 'output' },
  TOPIC_LEVEL_INVALID: { area: 'output' },
  INFLUX_URL_INVALID: { area: 'output' },
  INFLUX_UNREACHABLE: { area: 'output' },
  INFLUX_TIMEOUT: { area: 'output' },
  INFLUX_DATABASE_NOT_FOUND: { area: 'output' },
  INFLUX_AUTH_FAILED: { area: 'output' },
  INFLUX_SERVER_ERROR: { area: 'output' },
  INFLUX_HTTP_ERROR: { area: 'output' },
  LINE_NAME_INVALID: { area: 'output' },
  LINE_NEWLINE: { area: 'output' },
  LINE_TRAILING_BACKSLASH: { area: 'output' },
  LINE_RESERVED_KEY: { area: 'output' },
  LINE_TIME_INVALID: { area: 'output' },

  // Durable queue.
  QUEUE_OPEN_FAILED: { area: 'queue' },
  QUEUE_LOCKED: { area: 'queue' },
  QUEUE_COMMIT_FAILED: { area: 'queue' },
  QUEUE_ACK_FAILED: { area: 'queue' },
  QUEUE_SYNC_FAILED: { area: 'queue' },
  QUEUE_OUTPUT_UNKNOWN: { area: 'queue' },
  QUEUE_CONSUMER_STOPPED: { area: 'queue' },

  // Alarms and their notifications.
  ALARM_NOT_FOUND: { area: 'alarm' },
  ALARM_ALREADY_ACKNOWLEDGED: { area: 'alarm' },
  ALARM_STILL_ACTIVE: { area: 'alarm' },
  ALARM_CLOSED: { area: 'alarm' },
  ALARM_COMMAND_INVALID: { area: 'alarm' },
  WEBHOOK_DELIVERY_FAILED: { area: 'alarm' },

  // HTTP API and the CLI that calls it. The statuses come from the API's own table.
  API_VALIDATION_FAILED: { area: 'api', http_status: API_ERROR_STATUS.API_VALIDATION_FAILED },
  API_RANGE_INVALID: { area: 'api', http_status: API_ERROR_STATUS.API_RANGE_INVALID },
  API_REQUEST_REJECTED: { area: 'api', http_status: API_ERROR_STATUS.API_REQUEST_REJECTED },
  API_UNAUTHORIZED: { area: 'api', http_status: API_ERROR_STATUS.API_UNAUTHORIZED },
  API_HOST_NOT_ALLOWED: { area: 'api', http_status: API_ERROR_STATUS.API_HOST_NOT_ALLOWED },
  API_ROUTE_NOT_FOUND: { area: 'api', http_status: API_ERROR_STATUS.API_ROUTE_NOT_FOUND },
  API_DEVICE_NOT_FOUND: { area: 'api', http_status: API_ERROR_STATUS.API_DEVICE_NOT_FOUND },
  API_FIELD_NOT_FOUND: { area: 'api', http_status: API_ERROR_STATUS.API_FIELD_NOT_FOUND },
  API_ASSET_NOT_FOUND: { area: 'api', http_status: API_ERROR_STATUS.API_ASSET_NOT_FOUND },
  API_ALARM_NOT_FOUND: { area: 'api', http_status: API_ERROR_STATUS.API_ALARM_NOT_FOUND },
  API_PLAN_NOT_FOUND: { area: 'api', http_status: API_ERROR_STATUS.API_PLAN_NOT_FOUND },
  API_ORDER_NOT_FOUND: { area: 'api', http_status: API_ERROR_STATUS.API_ORDER_NOT_FOUND },
  API_REPORT_NOT_FOUND: { area: 'api', http_status: API_ERROR_STATUS.API_REPORT_NOT_FOUND },
  API_CONFLICT: { area: 'api', http_status: API_ERROR_STATUS.API_CONFLICT },
  API_PAYLOAD_TOO_LARGE: { area: 'api', http_status: API_ERROR_STATUS.API_PAYLOAD_TOO_LARGE },
  API_UNSUPPORTED_MEDIA_TYPE: { area: 'api', http_status: API_ERROR_STATUS.API_UNSUPPORTED_MEDIA_TYPE },
  API_SERVICE_UNAVAILABLE: { area: 'api', http_status: API_ERROR_STATUS.API_SERVICE_UNAVAILABLE },
  API_UPSTREAM_FAILED: { area: 'api', http_status: API_ERROR_STATUS.API_UPSTREAM_FAILED },
  API_INTERNAL: { area: 'api', http_status: API_ERROR_STATUS.API_INTERNAL },
  HISTORY_QUERY_FAILED: { area: 'api' },
  HTTP_ADDRESS_INVALID: { area: 'api' },
  DEMO_FLAG_INVALID: { area: 'api' },
  STATUS_UNREACHABLE: { area: 'api' },
  STATUS_HTTP_ERROR: { area: 'api' },

  // Security: HTTP authentication, CORS, users, passwords, listeners and device writes.
  AUTH_TOKEN_MISSING: { area: 'security', http_status: 401 },
  AUTH_TOKEN_INVALID: { area: 'security', http_status: 401 },
  AUTH_TOKEN_EXPIRED: { area: 'security', http_status: 401 },
  AUTH_SCHEME_UNSUPPORTED: { area: 'security', http_status: 401 },
  AUTH_FORBIDDEN: { area: 'security', http_status: 403 },
  AUTH_TOKEN_NOT_REVOCABLE: { area: 'security', http_status: 409 },
  AUTH_LOGIN_FAILED: { area: 'security', http_status: 401 },
  AUTH_LOGIN_RATE_LIMITED: { area: 'security', http_status: 429 },
  CORS_ORIGIN_REJECTED: { area: 'security', http_status: 403 },
  LISTENER_AUTH_REQUIRED: { area: 'security' },
  PASSWORD_HASH_INVALID: { area: 'security' },
  PASSWORD_EMPTY: { area: 'security' },
  PASSWORD_MISMATCH: { area: 'security' },
  MQTT_USERS_FILE_INVALID: { area: 'security' },
  MQTT_USER_DUPLICATE: { area: 'security' },
  HTTP_USER_DUPLICATE: { area: 'security' },
  SETPOINT_ROLE_FORBIDDEN: { area: 'security' },
  SETPOINT_NOT_FINITE: { area: 'security' },
  SETPOINT_OUT_OF_RANGE: { area: 'security' },
  SETPOINT_RANGE_MISSING: { area: 'security' },

  // Scheduler.
  SCHEDULER_INPUT_INVALID: { area: 'scheduler' },
  SCENARIO_FILE_INVALID: { area: 'scheduler' },
  PLANNING_ORDER_INVALID: { area: 'scheduler' },
  PLANNING_SETUP_INVALID: { area: 'scheduler' },

  // Firmware simulator.
  SIM_BROKER_CONNECT_FAILED: { area: 'simulator' },
  SIM_FAULT_UNSUPPORTED: { area: 'simulator' },
  SIM_DEVICE_NOT_FOUND: { area: 'simulator' },
  SIM_FAULT_OPTION_INVALID: { area: 'simulator' },
  SIM_COMMAND_INVALID: { area: 'simulator' },
  SIM_BROKER_REQUIRED: { area: 'simulator' },
  SIM_MODBUS_PORT_IN_USE: { area: 'simulator' },
  SCENARIO_INVALID: { area: 'simulator' },
} as const satisfies Readonly<Record<string, ErrorCodeInfo>>;

/** A code listed in `ERROR_CODES`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Returns true when `code` is listed in `ERROR_CODES`. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

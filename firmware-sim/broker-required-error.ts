/** Raised when a fleet has MQTT devices but no broker URL to publish to. */
export class BrokerRequiredError extends Error {
  readonly code = 'SIM_BROKER_REQUIRED';

  constructor(readonly mqtt_device_ids: readonly string[]) {
    const verb = mqtt_device_ids.length === 1 ? 'publishes' : 'publish';
    super(
      `No MQTT broker URL is set, but ${mqtt_device_ids.join(', ')} ${verb} over MQTT; give a broker URL ` +
        '(--broker mqtt://HOST:PORT), or start no room nodes or trucks (--rooms 0 --trucks 0)',
    );
    this.name = 'BrokerRequiredError';
  }
}

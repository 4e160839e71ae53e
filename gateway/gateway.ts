import type { Logger } from 'pino';
import type { RtuLineStats } from '../devices/modbus/rtu-transport.js';
import type { DeviceSample } from '../devices/sample.js';
import type { ColdChainMonitor } from './alarms/cold-chain-monitor.js';
import { alarmServiceFromEngine } from './api/alarm-engine-service.js';
import { AssetReportService } from './api/asset-report-service.js';
import type { RunningApi, startGatewayApi } from './api/gateway-api.js';
import { HEALTH_ROUTE } from './api/health-route.js';
import { EmbeddedBrokerError } from './broker/broker-error.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker/embedded-broker.js';
import { writePacketIdsWithoutTable } from './broker/packet-id-buffers.js';
import { ClusterError } from './cluster/cluster-error.js';
import { clusterBrokerOptions, startClusteredBroker } from './cluster/clustered-broker.js';
import { leaderPlanService } from './cluster/leader-plan-service.js';
import type { Leadership } from './cluster/leadership.js';
import { nodeScopedConfig } from './cluster/node-config.js';
import type { PlanRelay } from './cluster/plan-relay.js';
import { startColdChain } from './cold-chain.js';
import { slowPollWarnings, unmatchedAssetWarnings } from './config/alarm-coverage-warnings.js';
import { noInputsWarning } from './config/no-inputs-warning.js';
import type { ResolvedConfig } from './config/resolve.js';
import { stateFileSetting } from './config/state-file-setting.js';
import { wholeTruckAssetWarnings } from './config/whole-truck-warnings.js';
import { ControlClient } from './control-client.js';
import { EventBus } from './events.js';
import { launcherOverrideWarning, tuneGarbageCollection } from './gc-tuning.js';
import { gatewayOwnTopics } from './inputs/gateway-topics.js';
import type { ModbusInput } from './inputs/modbus-input.js';
import { type DiscoveredRoute, MqttInput } from './inputs/mqtt-input.js';
import { configuredCredentials, type MqttCredentials } from './mqtt-credentials.js';
import { checkOutputSecrets, OutputSet, type OutputStats } from './output-set.js';
import type { DeviceIdentity } from './pipeline/normalise-sample.js';
import { faultReading, normaliseSample, untrustedTimeMessage } from './pipeline/normalise-sample.js';
import {
  type TimestampCollision,
  TimestampCollisions,
  timestampCollisionMessage,
} from './pipeline/timestamp-collisions.js';
import type { PlanningCapacity } from './planning/capacity-service.js';
import type { Planner, PlanningCounters } from './planning/planner.js';
import { RateLimitedLog } from './rate-limited-log.js';
import type { Reading } from './reading.js';
import { redactUrlText } from './secrets.js';
import { prepareBrokerSecurity } from './security/broker-security.js';
import { configFileWarnings } from './security/config-file-warnings.js';
import { databaseFileWarnings } from './security/database-file-warnings.js';
import { expiredTokenWarnings } from './security/expired-token-warnings.js';
import { httpAuth } from './security/http-auth.js';
import { createInternalMqttUser } from './security/internal-user.js';
import { checkHttpListenerSafety, disabledHttpWarning } from './security/listener-safety.js';
import { logBrokerRejections } from './security/rejection-log.js';
import type { HttpAuthConfig } from './security/security-config.js';
import { openSessionPersistence, type SessionPersistence } from './security/session-persistence.js';
import { createStats, type GatewayStats } from './stats.js';
import { createStoreDirectory } from './store-directory.js';
import { DASHBOARD_ROUTES } from './web/dashboard-routes.js';

export interface GatewayOptions {
  /** Configuration file, checked for permissions that let other users read its secrets. */
  config_path?: string;
  /** Current time for cold-chain rules; a simulator's clock when it runs faster than the wall. Default `Date.now`. */
  clock?: () => number;
  /** Newest allowed source time ahead of the receive time, in milliseconds. Default: the config's `max_clock_skew_s`. */
  max_clock_skew_ms?: number;
}

/** Adds the config key of the broker port to a failure to listen on it, so the message names the setting to change. */
function withBrokerPortKey(error: unknown): unknown {
  if (error instanceof EmbeddedBrokerError && error.code === 'BROKER_LISTEN_FAILED' && error.option !== undefined) {
    return new EmbeddedBrokerError(error.code, `${error.message}; set it in mqtt.broker.${error.option}`, error.option);
  }
  if (error instanceof ClusterError && error.code === 'CLUSTER_BROKER_LISTEN_FAILED' && error.option !== undefined) {
    return new ClusterError(error.code, `${error.message}; set it in mqtt.broker.${error.option}`, error.option);
  }
  return error;
}

/**
 * The composition root. Start order: outputs (so nothing accepted is lost), the embedded broker, then the
 * inputs. Stop order is the reverse: inputs stop first, outputs flush everything they accepted, the broker
 * closes last. Features talk through `bus`.
 */
export class Gateway {
  readonly bus = new EventBus();
  readonly stats: GatewayStats = createStats();
  private outputs: OutputSet | undefined;
  private broker: EmbeddedBroker | undefined;
  private mqttInput: MqttInput | undefined;
  private modbusInput: ModbusInput | undefined;
  private api: RunningApi | undefined;
  /** Session file of the HTTP API, open while the API runs with `http.auth`. */
  private sessions: SessionPersistence | undefined;
  private control: ControlClient | undefined;
  /** Credentials of the gateway's own MQTT clients: the internal user when the embedded broker checks users. */
  private credentials: MqttCredentials = {};
  private stopRejectionLog: (() => void) | undefined;
  /** First connection error of an MQTT client that started without its broker and keeps retrying. */
  private brokerUnreachable: Error | undefined;
  private readonly configPath: string | undefined;
  /** Pooled-delivery planning and idle capacity, when `planning.enabled`. */
  planner: Planner | undefined;
  private capacity: PlanningCapacity | undefined;
  /** Cold-chain monitoring (alarms, records), when `alarms.enabled`. */
  coldChain: ColdChainMonitor | undefined;
  private readonly problemLog: RateLimitedLog;
  /** Finds readings that overwrite the previous reading of their series. */
  private readonly timestampCollisions = new TimestampCollisions();
  private readonly skewMs: number;
  private readonly clock: (() => number) | undefined;
  private running = false;
  /** Leader election of a cluster node, which runs the planner only while this node leads. */
  private leadership: Leadership | undefined;
  /** Relay of the leader's plans to the live feed of every cluster node, over Redis pub/sub. */
  private planRelay: PlanRelay | undefined;
  /** The config; on a cluster node its MQTT client ids end in `-<node_id>`. */
  readonly resolved: ResolvedConfig;

  constructor(
    resolved: ResolvedConfig,
    private readonly log: Logger,
    options: GatewayOptions = {},
  ) {
    this.resolved = nodeScopedConfig(resolved);
    this.problemLog = new RateLimitedLog(log);
    this.clock = options.clock;
    this.configPath = options.config_path;
    this.skewMs = options.max_clock_skew_ms ?? resolved.config.max_clock_skew_s * 1000;
  }

  /** URL of the broker the inputs use: the configured external one, or the embedded one once started. */
  brokerUrl(): string | undefined {
    return this.resolved.config.mqtt.url ?? this.broker?.url;
  }

  /** Returns the gateway's own counters, queue depth and per-device poll results, as written to `gateway_*`. */
  selfMetrics(): ReturnType<OutputSet['selfMetrics']> | undefined {
    return this.outputs?.selfMetrics();
  }

  outputStats(): Array<{ name: string; stats: OutputStats }> {
    return this.outputs?.outputStats() ?? [];
  }

  async start(): Promise<void> {
    try {
      await this.startParts();
    } catch (error) {
      // What did start is stopped again, so the queue lock, the broker port and the files are released.
      this.running = true;
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  private async startParts(): Promise<void> {
    const { config } = this.resolved;
    writePacketIdsWithoutTable();
    const heapFlags = tuneGarbageCollection();
    if (heapFlags.length > 0) this.log.debug({ flags: heapFlags }, 'V8 heap flags set');
    const overridden = launcherOverrideWarning();
    if (overridden !== undefined) this.log.warn(overridden);
    // The config file may hold credentials whether or not the embedded broker runs.
    for (const warning of this.configPath ? configFileWarnings(this.configPath) : []) this.log.warn(warning);
    for (const warning of databaseFileWarnings(config)) this.log.warn(warning);
    this.wireBus();
    // Read before the stores open, so a missing password file stops the start without creating files.
    this.credentials = configuredCredentials(config);
    checkOutputSecrets(config);
    // The records and plan stores open later, so their directories are made before any store file exists.
    if (config.alarms.enabled) createStoreDirectory(config.alarms.store_path, stateFileSetting(config, 'alarms'));
    if (config.planning.enabled) {
      createStoreDirectory(config.planning.store_path, stateFileSetting(config, 'planning'));
    }
    this.outputs = await OutputSet.start(config, this.log, { bus: this.bus, stats: () => this.stats });
    if (!config.mqtt.url && config.mqtt.broker.enabled) await this.startBroker();
    await this.outputs.startRepublish(() => this.brokerUrl(), this.credentials);
    await this.startColdChain();
    this.running = true;
    await this.startInputs();
    this.warnIfBrokerUnreachable();
    await this.startApi();
    this.log.info(
      { devices: this.resolved.devices.length, outputs: this.outputStats().map((entry) => entry.name) },
      'gateway started',
    );
    const noInputs = noInputsWarning(this.resolved, this.configPath);
    if (noInputs !== undefined) this.log.warn(noInputs);
    for (const warning of unmatchedAssetWarnings(this.resolved)) this.log.warn(warning);
    for (const warning of wholeTruckAssetWarnings(this.resolved)) this.log.warn(warning);
    for (const warning of slowPollWarnings(this.resolved)) this.log.warn(warning);
    for (const warning of expiredTokenWarnings(config.http.auth, Date.now())) this.log.warn(warning);
    for (const warning of this.resolved.file_warnings ?? []) this.log.warn(warning);
  }

  /** Logs one line when the MQTT clients started without their broker and keep retrying. */
  private warnIfBrokerUnreachable(): void {
    const url = this.brokerUrl();
    if (this.brokerUnreachable === undefined || url === undefined) return;
    this.log.warn(
      { url: redactUrlText(url), err: this.brokerUnreachable.message },
      'mqtt broker unreachable at start; the gateway keeps retrying, subscribes once the broker accepts ' +
        'the connection, and sends alarm notifications and republished readings then',
    );
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.api?.stop();
    this.sessions?.close();
    this.sessions = undefined;
    await this.modbusInput?.stop();
    await this.mqttInput?.stop();
    await this.leadership?.stop();
    await this.planner?.stop();
    await this.planRelay?.stop();
    await this.coldChain?.stop();
    await this.outputs?.stop();
    await this.control?.stop();
    this.stopRejectionLog?.();
    await this.broker?.stop();
    this.log.info({ readings: this.stats.readings }, 'gateway stopped');
  }

  /**
   * Starts the embedded broker with its users, ACLs and TLS. With users configured, the gateway's own
   * clients log in as an internal user whose random password lives only in this process.
   */
  private async startBroker(): Promise<void> {
    const settings = this.resolved.config.mqtt.broker;
    const internal = settings.auth ? await createInternalMqttUser() : undefined;
    const security = prepareBrokerSecurity({ auth: settings.auth, tls: settings.tls }, internal ? [internal.user] : []);
    for (const warning of security.warnings) this.log.warn(warning);
    const options = {
      host: settings.host,
      port: settings.port,
      max_payload_bytes: settings.max_payload_bytes,
      ...(security.access ? { access: security.access } : {}),
    };
    const tls = security.tls ? { tls: security.tls } : {};
    const cluster = this.resolved.config.cluster;
    try {
      this.broker = cluster
        ? await startClusteredBroker({ ...options, ...tls, ...clusterBrokerOptions(cluster) })
        : await startEmbeddedBroker({ ...options, ...tls, hold_until_tapped: this.readsBrokerInProcess() });
    } catch (error) {
      throw withBrokerPortKey(error);
    }
    this.stopRejectionLog = logBrokerRejections(this.broker.events, this.log);
    if (internal) this.credentials = { username: internal.username, password: internal.password };
    this.log.info(
      { url: this.broker.url, tls_url: this.broker.tls_url, auth: settings.auth !== undefined },
      'embedded mqtt broker listening',
    );
  }

  /** Connects the control session and starts alarms and records, before any reading arrives. */
  private async startColdChain(): Promise<void> {
    const { config } = this.resolved;
    const url = this.brokerUrl();
    if (url) {
      // Only the embedded broker's limit is known; an external broker applies its own.
      const embedded = config.mqtt.url === undefined && config.mqtt.broker.enabled;
      this.control = await ControlClient.connect(
        {
          url,
          client_id: `${config.mqtt.client_id}-control`,
          ...this.credentials,
          ...(embedded ? { max_payload_bytes: config.mqtt.broker.max_payload_bytes } : {}),
        },
        this.log,
      );
      this.brokerUnreachable = this.control.unreachable;
    }
    if (config.alarms.enabled) {
      this.coldChain = await startColdChain(config, this.bus, this.log, this.control, this.clock);
    }
    if (!config.planning.enabled) return;
    if (config.cluster === undefined) {
      await this.startPlanning();
      return;
    }
    const task = { name: 'planner', start: () => this.startPlanning(), stop: () => this.stopPlanning() };
    const { PlanRelay } = await import('./cluster/plan-relay.js');
    this.planRelay = await PlanRelay.start(config.cluster, this.log);
    const { Leadership } = await import('./cluster/leadership.js');
    this.leadership = await Leadership.start(config.cluster, task, this.log);
  }

  /** Plans pooled deliveries on the configured schedules; the search runs on a worker thread. */
  private async startPlanning(): Promise<void> {
    const control = this.control;
    const log = this.log.child({ component: 'planning' });
    // Optional parts load on first use, so a gateway without them does not carry their libraries.
    const { Planner, PLAN_PUBLISH_TIMEOUT_MS } = await import('./planning/planner.js');
    const { PlanningCapacity } = await import('./planning/capacity-service.js');
    this.planner = new Planner(this.resolved.config.planning, {
      log,
      store_path_setting: stateFileSetting(this.resolved.config, 'planning'),
      ...(control
        ? {
            publish: (topic: string, payload: string, retain: boolean) =>
              control.publish(topic, payload, { retain, timeout_ms: PLAN_PUBLISH_TIMEOUT_MS }),
            subscribe: (topic: string, handler: (payload: string) => void) => control.subscribe(topic, handler),
          }
        : {}),
    });
    this.capacity = new PlanningCapacity(this.planner);
    const relay = this.planRelay;
    if (relay) this.planner.subscribe((plan) => void relay.publish(plan));
    await this.planner.start();
  }

  /** Stops the planner when this cluster node loses the leader lease. */
  private async stopPlanning(): Promise<void> {
    const planner = this.planner;
    this.planner = undefined;
    this.capacity = undefined;
    await planner?.stop();
  }

  /** Returns the counters of the planner while one runs on this node. */
  planningCounters(): PlanningCounters | undefined {
    return this.planner?.counters;
  }

  /** Returns the line counters of each Modbus RTU bus, by bus id; empty without RTU devices. */
  rtuLineStats(): Array<{ bus: string; stats: RtuLineStats }> {
    return this.modbusInput?.rtuLineStats() ?? [];
  }

  /** Base URL of the HTTP API once it listens. */
  apiUrl(): string | undefined {
    return this.api?.url;
  }

  private async startApi(): Promise<void> {
    const http = this.resolved.config.http;
    if (!http.enabled) {
      const warning = disabledHttpWarning(http);
      if (warning !== undefined) this.log.warn(warning);
      return;
    }
    checkHttpListenerSafety(http.host, http.auth);
    this.sessions = http.auth ? this.openSessions(http.auth) : undefined;
    const auth = http.auth
      ? httpAuth({
          config: http.auth,
          ...(this.sessions ? { sessions: this.sessions.records, session_sink: this.sessions.sink } : {}),
          public_routes: [...DASHBOARD_ROUTES, HEALTH_ROUTE],
          audit: (record) => this.auditRequest(record),
          // One line per address, user name and reason per minute, so a password guesser cannot flood the log.
          login_failed: (failure) =>
            this.problemLog.warn(
              `login:${failure.reason}|${failure.ip}|${failure.username}`,
              { ...failure },
              `http login failed: ${failure.reason}`,
            ),
        })
      : undefined;
    const { startGatewayApi } = await import('./api/gateway-api.js');
    try {
      this.api = await startGatewayApi(
        this,
        {
          host: http.host,
          port: http.port,
          // Request lines stay out of the log; fastify's own warnings and errors still reach it.
          logger: this.log.child({ component: 'http' }, { level: 'warn' }),
          stale_after_ms: http.stale_after_ms,
          allowed_hosts: http.allowed_hosts,
          // One line per host name and address per minute: a page that retries cannot flood the log.
          host_rejected: (rejection) =>
            this.problemLog.warn(
              `host:${rejection.host}|${rejection.ip}`,
              { ...rejection },
              'http request rejected: host not allowed',
            ),
          ...(auth ? { auth } : {}),
        },
        this.apiServices(),
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EACCES') throw error;
      throw new Error(
        `the HTTP API cannot listen on ${http.host}:${http.port} (${(error as Error).message}); ` +
          'free the port, or set http.host and http.port (or --http HOST:PORT) to an address of this machine that is free',
      );
    }
    this.log.info({ url: this.api.url }, 'http api and dashboard listening');
  }

  /** Opens the session file of `http.auth`, so logins survive a restart; undefined after a logged failure. */
  private openSessions(auth: HttpAuthConfig): SessionPersistence | undefined {
    return openSessionPersistence({
      path: auth.session_store_path,
      setting: stateFileSetting(this.resolved.config, 'sessions'),
      users: auth.users,
      log: this.log,
      problemLog: this.problemLog,
    });
  }

  /** Writes a state-changing HTTP request to the audit trail with who made it, when monitoring runs. */
  private auditRequest(record: Parameters<NonNullable<Parameters<typeof httpAuth>[0]['audit']>>[0]): void {
    this.coldChain?.trail.append({
      time_ms: record.time_ms,
      kind: 'http_request',
      actor: record.user ?? 'anonymous',
      subject: record.route ?? record.url,
      payload: record,
    });
  }

  /** Collects the services the API serves besides readings: alarms, plans, capacity, reports and chart profiles. */
  private apiServices(): Parameters<typeof startGatewayApi>[2] {
    const coldChain = this.coldChain;
    const relay = this.planRelay;
    const plans = relay ? leaderPlanService(() => this.planner, relay) : this.planner;
    // NOTE: on a cluster node the capacity service is the one of the planner at API start, if any.
    const planning = {
      ...(plans ? { plans } : {}),
      ...(this.capacity ? { capacity: this.capacity } : {}),
    };
    if (!coldChain) return planning;
    // Reports read the readings from the local store file, so a gateway that writes only to InfluxDB has none.
    const localStore = this.resolved.config.outputs.local_store;
    const reports = localStore.enabled
      ? new AssetReportService({
          store_path: localStore.path,
          profiles: coldChain.engine.profiles,
          alarms: coldChain.store,
          trail: coldChain.trail,
          now: this.clock ?? Date.now,
        })
      : undefined;
    return {
      ...planning,
      ...(reports ? { reports } : {}),
      alarms: alarmServiceFromEngine(coldChain.engine, coldChain.store),
      profiles: (asset) => coldChain.engine.profiles.filter((profile) => profile.match.asset === asset),
      alarmEntry: (id) => coldChain.engine.profiles.find((profile) => profile.id === id),
    };
  }

  /**
   * True when the MQTT input reads the embedded broker in process, before its PUBACK. A cluster node
   * subscribes instead, to receive its topics from devices connected to other nodes too.
   */
  private readsBrokerInProcess(): boolean {
    const { config, devices, subscriptions } = this.resolved;
    const mqttInputs = subscriptions.length > 0 || devices.some((device) => device.protocol === 'mqtt');
    return config.mqtt.url === undefined && config.mqtt.broker.enabled && config.cluster === undefined && mqttInputs;
  }

  private async startInputs(): Promise<void> {
    const { config, devices, subscriptions } = this.resolved;
    const handler = (sample: DeviceSample, identity: DeviceIdentity) => this.handleSample(sample, identity);
    const modbusDevices = devices.filter((device) => device.protocol !== 'mqtt');
    const mqttDevices = devices.filter((device) => device.protocol === 'mqtt');
    if (modbusDevices.length > 0) {
      const { ModbusInput } = await import('./inputs/modbus-input.js');
      this.modbusInput = new ModbusInput(modbusDevices, config.buses, this.bus, handler, this.log);
      this.modbusInput.start();
    }
    const url = this.brokerUrl();
    if (url && (mqttDevices.length > 0 || subscriptions.length > 0)) {
      this.mqttInput = new MqttInput(
        {
          url,
          client_id: config.mqtt.client_id,
          ...this.credentials,
          qos: config.mqtt.qos,
          retained: config.mqtt.retained,
          watch_topics: config.mqtt.watch_topics,
          ack_after_commit: config.mqtt.qos === 1 && this.outputs?.commitBeforeAck === true,
          ...(this.broker !== undefined && this.readsBrokerInProcess()
            ? { local_source: this.broker.tap, own_topics: gatewayOwnTopics(config) }
            : {}),
          after_commit: (done) => {
            if (this.outputs) this.outputs.afterCommit(done);
            else done();
          },
          after_insert: (done) => {
            if (this.outputs) this.outputs.afterInsert(done);
            else done();
          },
          devices: mqttDevices,
          subscriptions,
          // An external broker may come up after the gateway, for example after a power cut at the site.
          retry_unreachable_broker: config.mqtt.url !== undefined,
          on_subscribed: () =>
            this.log.info(
              { url: redactUrlText(url), devices: mqttDevices.length, subscriptions: subscriptions.length },
              'mqtt input subscribed',
            ),
          on_reconnected: (outage_ms) =>
            this.log.info({ url: redactUrlText(url), outage_ms }, 'mqtt input reconnected'),
        },
        this.bus,
        handler,
      );
      const unreachable = await this.mqttInput.start();
      this.brokerUnreachable ??= unreachable;
    }
  }

  /** Returns the wildcard subscription that routed an unconfigured device and the identity it gave, if one did. */
  discoveredRoute(device_id: string): DiscoveredRoute | undefined {
    return this.mqttInput?.discoveredRoute(device_id);
  }

  /** Runs the pipeline step: decoded sample → normalised reading and faults, published on the bus. */
  private handleSample(sample: DeviceSample, identity: DeviceIdentity): void {
    if (!this.running) return;
    const result = normaliseSample(sample, identity, { max_clock_skew_ms: this.skewMs });
    if (result.untrusted_reason !== undefined) {
      this.stats.untrusted_times++;
      const { device_id, source_time_ms, receive_time_ms } = sample;
      this.problemLog.warn(
        `time:${device_id}`,
        {
          device_id,
          source_time_ms,
          receive_time_ms,
          reason: result.untrusted_reason,
          ...(Number.isFinite(source_time_ms)
            ? { skew_s: Math.round((source_time_ms! - receive_time_ms) / 1000) }
            : {}),
          max_clock_skew_s: this.skewMs / 1000,
          message: untrustedTimeMessage(sample, result.untrusted_reason, this.skewMs),
        },
        'device timestamp implausible; the reading is stored at the receive time',
      );
    }
    // Errors of single fields from MQTT payloads or Modbus replies. A Modbus request that failed as a whole
    // is an `input_problem` instead, so it does not show up here once per field.
    for (const error of sample.errors) this.bus.emit('field_error', { device_id: sample.device_id, ...error });
    for (const fault of result.faults) this.bus.emit('sensor_fault', fault);
    if (result.reading) {
      const collision = this.timestampCollisions.check(result.reading);
      if (collision !== undefined) this.reportTimestampCollision(sample.device_id, collision, result.reading);
      this.bus.emit('reading', result.reading);
    }
  }

  /**
   * Emits `timestamp_collision` for a reading that overwrites the previous one of its series, and logs it
   * once a minute per device. The bus listener in `wireBus` counts it.
   */
  private reportTimestampCollision(device_id: string, collision: TimestampCollision, reading: Reading): void {
    this.bus.emit('timestamp_collision', {
      device_id,
      measurement: reading.measurement,
      time_ms: reading.time_ms,
      field: collision.field,
    });
    this.problemLog.warn(
      `time-repeated:${device_id}`,
      {
        code: 'TIME_REPEATED',
        device_id,
        measurement: reading.measurement,
        time_ms: reading.time_ms,
        field: collision.field,
        ...(collision.overwritten_sequence !== undefined ? { overwritten_seq: collision.overwritten_sequence } : {}),
        ...(reading.sequence !== undefined ? { seq: reading.sequence } : {}),
        message: timestampCollisionMessage(device_id, reading.time_ms),
      },
      'reading overwrote the previous reading of its series: same timestamp, other values',
    );
  }

  private wireBus(): void {
    this.bus.on('reading', (reading) => {
      this.stats.readings++;
      const device = reading.tags.device ?? '';
      this.stats.readings_by_device.set(device, (this.stats.readings_by_device.get(device) ?? 0) + 1);
      this.outputs?.accept(reading);
      this.capacity?.observe(reading);
    });
    this.bus.on('alarm_reading', (reading) => {
      this.stats.alarm_readings++;
      this.outputs?.accept(reading);
    });
    this.bus.on('device_health', (reading) => this.outputs?.accept(reading));
    this.bus.on('sensor_fault', (fault) => {
      this.stats.sensor_faults++;
      this.problemLog.warn(
        `fault:${fault.device_id}:${fault.field}`,
        { device_id: fault.device_id, field: fault.field, code: fault.code, raw_value: fault.raw_value },
        'sensor fault; value not stored as a reading',
      );
      this.outputs?.accept(faultReading(fault));
    });
    this.bus.on('field_error', (problem) => {
      this.stats.field_errors++;
      const byDevice = this.stats.field_errors_by_device;
      byDevice.set(problem.device_id, (byDevice.get(problem.device_id) ?? 0) + 1);
      this.problemLog.warn(
        `field:${problem.device_id}:${problem.field}:${problem.code}`,
        { ...problem },
        'field not read',
      );
    });
    this.bus.on('timestamp_collision', (collision) => {
      this.stats.timestamp_collisions++;
      const byDevice = this.stats.timestamp_collisions_by_device;
      byDevice.set(collision.device_id, (byDevice.get(collision.device_id) ?? 0) + 1);
    });
    this.bus.on('input_problem', (problem) => {
      if (problem.code === 'MQTT_UNKNOWN_TOPIC') this.stats.unknown_topics++;
      else if (problem.code === 'MQTT_RETAINED_SKIPPED') this.stats.retained_skipped++;
      else if (problem.source === 'modbus') this.stats.poll_errors++;
      else this.stats.payload_errors++;
      // Each failing Modbus request of a device gets its own line, as each MQTT topic does.
      const key = `${problem.code}:${problem.device_id ?? ''}:${problem.topic ?? problem.request ?? ''}`;
      this.problemLog.warn(key, { ...problem }, `${problem.source} input problem`);
    });
    // A device that sends a bad field in every reading gets one line per field and reason per minute.
    this.bus.on('influx_fields_dropped', (report) => {
      for (const { field, reason } of report.dropped_fields) {
        this.problemLog.warn(
          `influx-field:${report.device_id}:${field}:${reason}`,
          { output: 'influx', device_id: report.device_id, measurement: report.measurement, field, reason },
          'field not written to influxdb; the other fields of the reading are written',
        );
      }
    });
    this.bus.on('device_state', (state) => {
      if (state.up) this.log.info({ device_id: state.device_id }, 'device up');
      else this.log.warn({ ...state }, 'device down');
    });
  }
}

import { ErrorWithReasonCode } from 'mqtt';

/**
 * True when `error` is a broker's CONNACK refusal. mqtt.js 5 reports one as an `ErrorWithReasonCode`
 * whose message starts with "Connection refused:", and then stops reconnecting unless the client was
 * created with `reconnectOnConnackError`.
 */
export function isConnackRefusal(error: unknown): error is ErrorWithReasonCode {
  return error instanceof ErrorWithReasonCode && error.message.startsWith('Connection refused:');
}

/** The refused client, as a refusal's fix names it: its settings as written in the gateway config. */
export interface RefusedClient {
  /** Config section of the refused client's settings, such as `upstream`. Default `mqtt`. */
  section?: string;
  /**
   * The setting that gave the password, such as `upstream.password_env`. Default: both password settings
   * of the section, `<section>.password_env or <section>.password_file`.
   */
  password_key?: string;
  /** True when the client tries again on its own after a refusal. Default false: restarting the gateway retries. */
  retries?: boolean;
}

/**
 * Returns what to change in the gateway config, or at the broker, after a CONNACK refusal with `code`:
 * an MQTT 3.1.1 return code 1-5 (section 3.2.2.3) or the MQTT 5 reason code with the same meaning
 * (section 3.2.2.2). The broker was reached in each case, so none of the fixes is about the address.
 */
export function connackRefusalFix(code: number, client: RefusedClient = {}): string {
  const section = client.section ?? 'mqtt';
  const password = client.password_key ?? `${section}.password_env or ${section}.password_file`;
  switch (code) {
    case 1:
    case 132:
      return 'the broker does not accept MQTT 3.1.1, which the gateway speaks; enable it in the broker settings';
    case 2:
    case 133:
      return (
        `the broker rejected the client id; check ${section}.client_id (MQTT 3.1.1 requires brokers to accept only ` +
        'ids of 1 to 23 letters and digits) and that no other client uses it'
      );
    case 3:
    case 136:
      return `the broker is up but accepts no connections now; check the broker's log${client.retries ? '' : ', then restart the gateway'}`;
    case 4:
    case 134:
      return (
        `check ${section}.username and the password that ${password} gives, against ` +
        "the broker's password file or user settings"
      );
    case 5:
    case 135:
      // Some brokers, aedes 1.x and mosquitto 2.0 among them, send this code for a wrong password too.
      return (
        `check ${section}.username and the password that ${password} gives, and ` +
        "that the broker's ACL or user settings let that user connect"
      );
    default:
      return "check the broker's log for the reason it refused the connection";
  }
}

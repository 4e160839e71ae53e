import { ErrorWithReasonCode } from 'mqtt';

/**
 * True when `error` is a broker's CONNACK refusal. mqtt.js 5 reports one as an `ErrorWithReasonCode`
 * whose message starts with "Connection refused:", and then stops reconnecting.
 */
export function isConnackRefusal(error: unknown): error is ErrorWithReasonCode {
  return error instanceof ErrorWithReasonCode && error.message.startsWith('Connection refused:');
}

/**
 * Returns what to change in the gateway config, or at the broker, after a CONNACK refusal with `code`:
 * an MQTT 3.1.1 return code 1-5 (section 3.2.2.3) or the MQTT 5 reason code with the same meaning
 * (section 3.2.2.2). The broker was reached in each case, so none of the fixes is about the address.
 */
export function connackRefusalFix(code: number): string {
  switch (code) {
    case 1:
    case 132:
      return 'the broker does not accept MQTT 3.1.1, which the gateway speaks; enable it in the broker settings';
    case 2:
    case 133:
      return (
        'the broker rejected the client id; check mqtt.client_id (MQTT 3.1.1 requires brokers to accept only ' +
        'ids of 1 to 23 letters and digits) and that no other client uses it'
      );
    case 3:
    case 136:
      return "the broker is up but accepts no connections now; check the broker's log, then restart the gateway";
    case 4:
    case 134:
      return (
        'check mqtt.username and the password that mqtt.password_env or mqtt.password_file gives, against ' +
        "the broker's password file or user settings"
      );
    case 5:
    case 135:
      // Some brokers, aedes 1.x among them, send this code for a wrong password too.
      return (
        'check mqtt.username and the password that mqtt.password_env or mqtt.password_file gives, and ' +
        "that the broker's ACL or user settings let that user connect"
      );
    default:
      return "check the broker's log for the reason it refused the connection";
  }
}

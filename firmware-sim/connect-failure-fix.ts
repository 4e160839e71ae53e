import { ErrorWithReasonCode } from 'mqtt';

/**
 * Returns what to do after a failed first connection to a broker. A CONNACK refusal gets a fix for what
 * the broker rejected: MQTT 3.1.1 return codes 1-5 (section 3.2.2.3), or the MQTT 5 reason code with
 * the same meaning (section 3.2.2.2). Without a CONNACK (connection refused, timeout, DNS or TLS
 * failure) the fix is to check the address. mqtt.js 5 reports a refusal as an `ErrorWithReasonCode`
 * whose message starts with "Connection refused:".
 */
export function connectFailureFix(error: unknown, client_id: string): string {
  const refused = error instanceof ErrorWithReasonCode && error.message.startsWith('Connection refused:');
  if (!refused) return 'check that it listens there';
  switch (error.code) {
    case 1:
    case 132:
      return 'the broker does not accept MQTT 3.1.1, which the simulator speaks; enable it in the broker settings';
    case 2:
    case 133:
      return (
        `the broker rejected the client id ${client_id}; allow it in the broker settings ` +
        '(MQTT 3.1.1 requires brokers to accept only ids of 1 to 23 letters and digits)'
      );
    case 3:
    case 136:
      return "the broker is up but accepts no connections now; check the broker's log, then start again";
    case 4:
    case 134:
      return (
        'check the user name (--username) and the password (COLDPOOL_SIM_MQTT_PASSWORD) against ' +
        "the broker's password file or user settings"
      );
    case 5:
    case 135:
      // Some brokers, aedes 1.x among them, send this code for a wrong password too.
      return (
        'check the user name (--username) and the password (COLDPOOL_SIM_MQTT_PASSWORD), and that ' +
        "the broker's ACL or user settings let that user connect"
      );
    default:
      return "check the broker's log for the reason it refused the connection";
  }
}

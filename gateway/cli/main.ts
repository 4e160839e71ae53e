#!/usr/bin/env node
import { Command } from 'commander';
import { registerAuditCommand } from './commands/audit.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerCheckConfigCommand } from './commands/check-config.js';
import { registerDecodeCommand } from './commands/decode.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerPasswdCommand } from './commands/passwd.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerReadCommand } from './commands/read.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunCommand } from './commands/run.js';
import { registerScanCommand } from './commands/scan.js';
import { registerSimCommand } from './commands/sim.js';
import { registerStatusCommand } from './commands/status.js';

const program = new Command();
program
  .name('coldpool')
  .description('Cold-chain edge gateway: MQTT and Modbus sensors to InfluxDB, alarms, and pooled-delivery planning')
  .showHelpAfterError();

registerDemoCommand(program);
registerRunCommand(program);
registerCheckConfigCommand(program);
registerDecodeCommand(program);
registerStatusCommand(program);
registerReadCommand(program);
registerScanCommand(program);
registerReportCommand(program);
registerAuditCommand(program);
registerPasswdCommand(program);
registerPlanCommand(program);
registerBenchCommand(program);
registerSimCommand(program);

program.parseAsync(process.argv).catch((error: Error) => {
  process.stderr.write(`coldpool: ${error.message}\n`);
  process.exit(1);
});

/** Runs the `report` and `audit` commands, as the coldpool CLI would, for tests that check real output files. */
import { Command } from 'commander';
import { registerAuditCommand } from '../../../gateway/cli/commands/audit.js';
import { registerReportCommand } from '../../../gateway/cli/commands/report.js';

const program = new Command().name('coldpool');
registerReportCommand(program);
registerAuditCommand(program);
program.parseAsync(process.argv).catch((error: Error) => {
  process.stderr.write(`coldpool: ${error.message}\n`);
  process.exit(1);
});

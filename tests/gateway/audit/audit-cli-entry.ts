/** Runs only the `audit` command, as the coldpool CLI would, so tests can check its exit code. */
import { Command } from 'commander';
import { registerAuditCommand } from '../../../gateway/cli/commands/audit.js';

const program = new Command().name('coldpool');
registerAuditCommand(program);
program.parseAsync(process.argv).catch((error: Error) => {
  process.stderr.write(`coldpool: ${error.message}\n`);
  process.exit(1);
});

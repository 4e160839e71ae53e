/**
 * Runs `count` simulated Modbus TCP cold-room controllers (firmware-sim/modbus-controller.ts) in one
 * process on 127.0.0.1, each on its own free port. The parent sends `{ type: 'start', count, first_index }`;
 * the child answers `{ type: 'started', ports }` and stops every server on SIGTERM.
 */
import { ModbusController } from '../../firmware-sim/modbus-controller.js';

const controllers: ModbusController[] = [];

async function start(count: number, firstIndex: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const controller = new ModbusController({ device_id: `ctrl-${firstIndex + index}`, seed: firstIndex + index + 1 });
    await controller.start();
    controllers.push(controller);
  }
  process.send?.({ type: 'started', ports: controllers.map((controller) => controller.port) });
}

async function stopAll(): Promise<void> {
  await Promise.all(controllers.map((controller) => controller.stop()));
}

// A parent that dies without stopping this process closes the IPC channel.
process.once('disconnect', () => process.exit(1));
process.once('SIGTERM', () => {
  stopAll().then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`stopping simulators failed: ${error.message}\n`);
      process.exit(1);
    },
  );
});
process.once('message', (message: { type: string; count: number; first_index: number }) => {
  if (message.type !== 'start') return;
  start(message.count, message.first_index).catch((error: Error) => {
    process.stderr.write(`simulator start failed: ${error.message}\n`);
    process.exit(1);
  });
});

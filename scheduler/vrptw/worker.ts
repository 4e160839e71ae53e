/** Worker-thread entry: solves one VRPTW search with the options it receives and posts the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildInstance, type VrptwInput } from './instance.js';
import { type SearchOptions, solveVrptw } from './search.js';

const { input, options } = workerData as { input: VrptwInput; options: SearchOptions };
parentPort?.postMessage(solveVrptw(buildInstance(input), options));

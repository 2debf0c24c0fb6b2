export { main } from './main.ts';
export { processIo } from './io.ts';
export type { Io } from './io.ts';
export { formatProblem } from './validate.ts';

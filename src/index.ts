/** Action entry: runs the action; everything else lives in main.ts. */
import { run } from './main.js';

await run();

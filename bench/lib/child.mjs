// Helpers for the harness's own child processes (sink, relay, load generator).

/** Tells the parent we are up (one JSON line on stdout) and exits when the parent goes away. */
export function ready(info) {
  process.stdout.write(JSON.stringify({ ready: true, ...info }) + '\n');
  exitWithParent();
}

/** The parent keeps our stdin open; when it closes, the parent is gone (even after a kill -9). */
export function exitWithParent() {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const COLORS = [36, 35, 33, 32, 34, 91, 96, 95];
let nextColor = 0;

/**
 * Spawns a command whose stdout and stderr lines are printed prefixed with `label`, so that several
 * wrangler processes can share one terminal. `onLine` sees every line, for readiness checks.
 */
export function spawnPrefixed(label, command, args, { cwd, width = label.length, onLine = () => {} }) {
  const color = COLORS[nextColor++ % COLORS.length];
  const prefix = process.stdout.isTTY ? `\x1b[${color}m${label.padEnd(width)} |\x1b[0m ` : `${label.padEnd(width)} | `;
  // stdin is ignored so that wrangler skips its interactive hotkeys, which would fight over one terminal.
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      out.write(`${prefix}${line}\n`);
      onLine(line);
    });
  }
  return child;
}

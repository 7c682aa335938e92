import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const COLORS = [36, 35, 33, 32, 34, 91, 96, 95];
let nextColor = 0;

/**
 * Spawns a command whose stdout and stderr lines are printed prefixed with `label`, so that several
 * wrangler processes can share one terminal. `onLine` sees every line, for readiness checks.
 * `stdout`/`stderr` are where the lines go (this process's own by default).
 */
export function spawnPrefixed(
  label,
  command,
  args,
  { cwd, env, width = label.length, onLine = () => {}, stdout = process.stdout, stderr = process.stderr },
) {
  const color = COLORS[nextColor++ % COLORS.length];
  const prefix = stdout.isTTY ? `\x1b[${color}m${label.padEnd(width)} |\x1b[0m ` : `${label.padEnd(width)} | `;
  // stdin is ignored so that wrangler skips its interactive hotkeys, which would fight over one terminal.
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  for (const [stream, out] of [
    [child.stdout, stdout],
    [child.stderr, stderr],
  ]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      out.write(`${prefix}${line}\n`);
      onLine(line);
    });
  }
  return child;
}

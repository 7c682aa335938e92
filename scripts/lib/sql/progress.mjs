/**
 * A one-line progress bar for downloads on a terminal (stderr), redrawn at most every 100 ms;
 * nothing at all when stderr is not a terminal, so pipes and logs stay clean.
 */
export function progressBar(stream = process.stderr, label = "mirroring") {
  if (!stream.isTTY) return { update() {}, end() {} };
  let last = 0;
  let shown = false;
  let latest;
  const draw = ({ done, total, bytes }) => {
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    stream.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} objects, ${formatBytes(bytes)}\x1b[K`);
    shown = true;
  };
  return {
    update(state) {
      latest = state;
      const now = Date.now();
      if (state.total === 0 || (now - last < 100 && state.done < state.total)) return;
      last = now;
      draw(state);
    },
    end() {
      if (latest && latest.total > 0) draw(latest);
      if (shown) stream.write("\n");
    },
  };
}

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

import { watch, type FSWatcher } from "node:fs";

/**
 * Calls `onChange` when a watched file changes, once per burst of events (editors write a file in several
 * steps). Watching the file's directory too would catch editors that replace the file by rename; fs.watch on
 * the file itself re-arms after each event so that case still fires once.
 */
export function watchFiles(files: string[], onChange: (file: string) => void, debounceMs = 150): () => void {
  const watchers = new Map<string, FSWatcher>();
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;
  const arm = (file: string) => {
    if (closed) return;
    try {
      const watcher = watch(file, () => {
        clearTimeout(timers.get(file));
        timers.set(
          file,
          setTimeout(() => {
            // Re-arm: after a rename-replace the old watcher follows a file that no longer exists.
            watchers.get(file)?.close();
            arm(file);
            onChange(file);
          }, debounceMs),
        );
      });
      watcher.on("error", () => undefined);
      watchers.set(file, watcher);
    } catch {
      // The file is gone for a moment (mid-save): try again shortly.
      timers.set(file, setTimeout(() => arm(file), debounceMs));
    }
  };
  for (const file of new Set(files)) arm(file);
  return () => {
    closed = true;
    for (const t of timers.values()) clearTimeout(t);
    for (const w of watchers.values()) w.close();
  };
}

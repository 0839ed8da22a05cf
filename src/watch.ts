import { watch, type FSWatcher } from "node:fs";

/**
 * Calls `onChange` when a watched file changes, once per burst of events (editors write a file in several
 * steps). fs.watch follows the file's inode, so after each burst the watcher is re-armed on the path: an editor
 * that replaces the file by rename is followed to the new file. When the file is gone (deleted, or mid-save),
 * arming is retried until it is back, and its return counts as a change, since nothing saw it being written.
 */
export function watchFiles(files: string[], onChange: (file: string) => void, debounceMs = 150): () => void {
  const watchers = new Map<string, FSWatcher>();
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;
  const arm = (file: string, changed: boolean) => {
    if (closed) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(file, () => {
        clearTimeout(timers.get(file));
        timers.set(
          file,
          setTimeout(() => {
            // Re-arm: after a rename-replace the old watcher follows a file that no longer exists.
            watchers.get(file)?.close();
            watchers.delete(file);
            arm(file, true);
          }, debounceMs),
        );
      });
    } catch {
      // The file is gone for now: try again shortly, and report the change once it is back.
      timers.set(file, setTimeout(() => arm(file, changed), debounceMs));
      return;
    }
    watcher.on("error", () => undefined);
    watchers.set(file, watcher);
    if (changed) onChange(file);
  };
  for (const file of new Set(files)) arm(file, false);
  return () => {
    closed = true;
    for (const t of timers.values()) clearTimeout(t);
    for (const w of watchers.values()) w.close();
  };
}

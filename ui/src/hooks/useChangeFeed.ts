// Subscribes to the engine's change events for as long as the component is mounted
// and hands them on coalesced, one batch per animation frame.
import { useEffect, useRef } from "react";
import type { Backend } from "../backend";
import { type ChangeBatch, coalesceChanges } from "../lib/changeBatch";

export function useChangeFeed(backend: Backend, onBatch: (batch: ChangeBatch) => void): void {
  const handler = useRef(onBatch);
  handler.current = onBatch;
  useEffect(() => {
    const coalescer = coalesceChanges((batch) => handler.current(batch));
    let unlisten: (() => void) | null = null;
    let stopped = false;
    backend
      .onChange((change) => coalescer.push(change))
      .then(
        (stop) => {
          if (stopped) stop();
          else unlisten = stop;
        },
        () => {
          // Without a change feed the UI still works; it just does not update by itself.
        },
      );
    return () => {
      stopped = true;
      coalescer.dispose();
      unlisten?.();
    };
  }, [backend]);
}

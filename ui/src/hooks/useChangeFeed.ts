// Subscribes to the engine's change events for as long as the component is mounted
// and hands them on coalesced, one batch per animation frame. Events sent before the
// subscription was in place are lost, so `onSubscribed` runs once it is: the place to
// re-read whatever may have changed meanwhile.
import { useEffect, useRef } from "react";
import type { Backend } from "../backend";
import { type ChangeBatch, coalesceChanges } from "../lib/changeBatch";

export function useChangeFeed(
  backend: Backend,
  onBatch: (batch: ChangeBatch) => void,
  onSubscribed?: () => void,
): void {
  const handler = useRef(onBatch);
  handler.current = onBatch;
  const subscribed = useRef(onSubscribed);
  subscribed.current = onSubscribed;
  useEffect(() => {
    const coalescer = coalesceChanges((batch) => handler.current(batch));
    let unlisten: (() => void) | null = null;
    let stopped = false;
    backend
      .onChange((change) => coalescer.push(change))
      .then(
        (stop) => {
          if (stopped) {
            stop();
          } else {
            unlisten = stop;
            subscribed.current?.();
          }
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

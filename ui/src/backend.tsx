// The desktop engine as the components see it: its commands, its change feed and the
// URL of a document. The app provides the Tauri implementation; tests provide fakes.
import { createContext, useContext } from "react";
import type { Change, commands } from "./generated/bindings";

export type DeskCommands = typeof commands;

export interface Backend {
  commands: DeskCommands;
  /** Subscribes to the engine's change events; resolves to the unsubscribe function. */
  onChange(handler: (change: Change) => void): Promise<() => void>;
  /** Where the verified bytes of a document (by SHA-256) can be fetched. */
  documentUrl(sha256: string): string;
  /**
   * Whether the desk renders the first case once out of sight after start, so the
   * first case opened is as quick as the next (`CaseViewWarmup`). The app's webview
   * does; test fakes leave it out, so the calls they count are the user's.
   */
  warmUp?: boolean;
}

export const BackendContext = createContext<Backend | null>(null);

export function useBackend(): Backend {
  const backend = useContext(BackendContext);
  if (!backend) throw new Error("useBackend outside BackendContext");
  return backend;
}

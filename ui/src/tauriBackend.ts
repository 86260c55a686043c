// The backend as the Tauri shell provides it: generated command bindings, the
// `desk:change` event and the `casedesk-doc` protocol for document bytes.
import { convertFileSrc } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Backend } from "./backend";
import { CHANGE_EVENT, DOCUMENT_PROTOCOL, commands, type Change } from "./generated/bindings";

export const tauriBackend: Backend = {
  commands,
  onChange: (handler) => listen<Change>(CHANGE_EVENT, (event) => handler(event.payload)),
  documentUrl: (sha256) => convertFileSrc(sha256, DOCUMENT_PROTOCOL),
  warmUp: true,
};

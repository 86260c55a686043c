// Entry point of the caseworker UI: mounts the app with the Tauri backend.
// The app-wide styles come first: each component's own styles, imported with the
// component, follow them and win where they differ.
import "./styles/base.css";
import "./styles/shared.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { BackendContext } from "./backend";
import { tauriBackend } from "./tauriBackend";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BackendContext.Provider value={tauriBackend}>
        <App />
      </BackendContext.Provider>
    </StrictMode>,
  );
}

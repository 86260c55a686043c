// Entry point of the caseworker UI: mounts the app with the Tauri backend.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { BackendContext } from "./backend";
import { tauriBackend } from "./tauriBackend";
import "./styles/app.css";

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

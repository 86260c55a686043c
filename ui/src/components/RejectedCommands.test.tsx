// Tests of the refused-command panel: reason shown, retry and discard call the engine.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { BackendContext } from "../backend";
import { sampleEntry } from "../test/fixtures";
import { fakeBackend } from "../test/fakeBackend";
import { RejectedCommands } from "./RejectedCommands";

const refused = [
  sampleEntry({
    command_id: "cmd-a",
    state: "rejected",
    rejection_code: "already_assigned",
    rejection_message: "Der Vorgang ist bereits Jan Berg zugewiesen",
  }),
  sampleEntry({
    command_id: "cmd-b",
    state: "rejected",
    commandKind: { kind: "add_note", payload: { text: "Rückruf" } },
    rejection_message: "Die Notiz ist zu lang",
  }),
];

function renderPanel() {
  const backend = fakeBackend();
  const onSettled = vi.fn();
  const onError = vi.fn();
  render(
    <BackendContext.Provider value={backend}>
      <RejectedCommands entries={refused} onSettled={onSettled} onError={onError} />
    </BackendContext.Provider>,
  );
  return { backend, onSettled, onError };
}

describe("RejectedCommands", () => {
  it("shows each refused command with the portal's reason", () => {
    renderPanel();
    const items = screen.getAllByTestId("rejected-command");
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain("Der Vorgang ist bereits Jan Berg zugewiesen");
    expect(items[1]!.textContent).toContain("„Rückruf“");
  });

  it("retries on the current state", async () => {
    const { backend, onSettled } = renderPanel();
    const second = screen.getAllByTestId("rejected-command")[1]!;
    fireEvent.click(within(second).getByTestId("retry"));
    await waitFor(() => expect(onSettled).toHaveBeenCalled());
    expect(backend.commands.retry).toHaveBeenCalledWith("cmd-b");
    expect(backend.commands.discard).not.toHaveBeenCalled();
  });

  it("discards", async () => {
    const { backend, onSettled } = renderPanel();
    fireEvent.click(within(screen.getAllByTestId("rejected-command")[0]!).getByTestId("discard"));
    await waitFor(() => expect(onSettled).toHaveBeenCalled());
    expect(backend.commands.discard).toHaveBeenCalledWith("cmd-a");
  });

  it("reports a failed retry in German", async () => {
    const { backend, onSettled, onError } = renderPanel();
    backend.commands.retry.mockRejectedValueOnce({
      code: "refused",
      message: "Der Vorgang ist bereits „Abgeschlossen“",
    });
    fireEvent.click(within(screen.getAllByTestId("rejected-command")[0]!).getByTestId("retry"));
    await waitFor(() => expect(onError).toHaveBeenCalledWith("Der Vorgang ist bereits „Abgeschlossen“"));
    expect(onSettled).not.toHaveBeenCalled();
  });
});

// Tests of the Bescheid panel against a fake engine: the debounced live preview and
// its stale answers, the fee field, editing and the signature rule, the question
// before an outcome switch discards edits, the arguments of `decide`, the engine's
// errors, and no serious accessibility violations.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { useEffect, useRef } from "react";
import { describe, expect, it, vi } from "vitest";
import { BackendContext } from "../backend";
import type { CaseDetail } from "../generated/bindings";
import { type FakeBackend, fakeBackend } from "../test/fakeBackend";
import { CASE_ID, ME, sampleDetail, sampleEntry, sampleLetterText } from "../test/fixtures";
import { LetterPanel } from "./LetterPanel";

// pdf.js needs a real browser; the stand-in shows which bytes it was given and
// reports two drawn pages, as the real viewer does once a page is on the canvas.
vi.mock("./PdfViewer", () => ({
  PdfViewer: ({ data, onRendered }: { data: Uint8Array; onRendered?(pages: number, data: Uint8Array): void }) => {
    const report = useRef(onRendered);
    report.current = onRendered;
    useEffect(() => report.current?.(2, data), [data]);
    return <div data-testid="pdf-viewer" data-bytes={new TextDecoder().decode(data)} />;
  },
}));

function caseDetail(): CaseDetail {
  const detail = sampleDetail();
  detail.case.status = "in_review";
  detail.case.assignee = ME.id;
  detail.case.fee = { amount_cents: 2600, kassenzeichen: "5.0123.456789.3", status: "open" };
  return detail;
}

function renderPanel(backend: FakeBackend = fakeBackend(), detail = caseDetail()) {
  const handlers = {
    onClose: vi.fn(),
    onDirtyChange: vi.fn(),
    onDecided: vi.fn(),
    onLoginRequired: vi.fn(),
  };
  const view = render(
    <BackendContext.Provider value={backend}>
      <LetterPanel detail={detail} {...handlers} />
    </BackendContext.Provider>,
  );
  return { backend, handlers, view };
}

const preview = () => screen.getByTestId("letter-preview");
const feeInput = () => screen.getByTestId("letter-fee") as HTMLInputElement;
const outcomeSelect = () => screen.getByTestId("letter-outcome") as HTMLSelectElement;

async function startEditing() {
  fireEvent.click(screen.getByTestId("letter-edit"));
  const text = (await screen.findByTestId("letter-text")) as HTMLTextAreaElement;
  await waitFor(() => expect(text.readOnly).toBe(false));
  return text;
}

/** Promises the test settles by hand, to order the engine's answers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function seriousViolations(element: Element) {
  const results = await axe.run(element, { rules: { "color-contrast": { enabled: false } } });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`);
}

describe("LetterPanel", () => {
  it("shows the template's letter after a pending state, automated and without edited text", async () => {
    const { backend } = renderPanel();
    expect(preview().dataset.state).toBe("pending");
    expect(preview().textContent).toContain("Vorschau wird erstellt…");
    expect(preview().dataset.pages).toBeUndefined();
    expect(preview().dataset.signature).toBe("automated");
    await waitFor(() => expect(preview().dataset.pages).toBe("2"));
    expect(backend.commands.letter_preview).toHaveBeenCalledTimes(1);
    expect(backend.commands.letter_preview).toHaveBeenCalledWith(CASE_ID, "approved", null, null);
    expect(screen.getByTestId("pdf-viewer").dataset.bytes).toBe("%PDF-1.7 Vorschau");
    expect(screen.getByTestId("letter-signature").textContent).toBe("Automatisch erstellt — gilt ohne Unterschrift");
    expect(preview().textContent).not.toContain("Vorschau wird erstellt");
  });

  it("renders once after a pause in typing, with the newest text", async () => {
    const { backend } = renderPanel();
    await waitFor(() => expect(preview().dataset.pages).toBe("2"));
    const text = await startEditing();
    for (const typed of ["a", "ab", "abc"]) fireEvent.change(text, { target: { value: `${text.value}${typed}` } });
    const final = text.value;
    expect(preview().dataset.state).toBe("pending");
    expect(preview().dataset.pages).toBeUndefined();
    await waitFor(() => expect(preview().dataset.pages).toBe("2"));
    expect(backend.commands.letter_preview).toHaveBeenCalledTimes(2);
    expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(CASE_ID, "approved", null, final);
  });

  it("never lets an older preview replace a newer one", async () => {
    const backend = fakeBackend();
    const answers: ReturnType<typeof deferred<string>>[] = [];
    backend.commands.letter_preview.mockImplementation(() => {
      const answer = deferred<string>();
      answers.push(answer);
      return answer.promise;
    });
    renderPanel(backend);
    await waitFor(() => expect(answers).toHaveLength(1));
    const text = await startEditing();
    fireEvent.change(text, { target: { value: "Neuer Text" } });
    await waitFor(() => expect(answers).toHaveLength(2));
    await act(async () => answers[1]!.resolve(btoa("neu")));
    await act(async () => answers[0]!.resolve(btoa("alt")));
    expect(screen.getByTestId("pdf-viewer").dataset.bytes).toBe("neu");
    expect(preview().dataset.state).toBe("ready");
  });

  it("prefills the case's fee, explains invalid input and normalises valid input", async () => {
    const { backend } = renderPanel();
    expect(feeInput().value).toBe("26,00 €");
    fireEvent.change(feeInput(), { target: { value: "26,555" } });
    expect(screen.getByTestId("letter-fee-error").textContent).toContain("zwei Nachkommastellen");
    expect(feeInput().getAttribute("aria-invalid")).toBe("true");
    expect(feeInput().getAttribute("aria-describedby")).toBe("letter-fee-error");
    expect((screen.getByTestId("letter-finalise") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(feeInput(), { target: { value: "30,5" } });
    fireEvent.blur(feeInput());
    expect(feeInput().value).toBe("30,50 €");
    expect(screen.queryByTestId("letter-fee-error")).toBeNull();
    // The letter assesses the changed fee: the preview is asked for it.
    expect(document.getElementById("letter-fee-note")).toBeNull();
    await waitFor(() =>
      expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(CASE_ID, "approved", 3050, null),
    );
    expect((screen.getByTestId("letter-finalise") as HTMLButtonElement).disabled).toBe(false);
  });

  it("edits the template's text, names the caseworker when edited, and restores the template", async () => {
    const { backend, handlers } = renderPanel();
    const text = await startEditing();
    expect(backend.commands.letter_text).toHaveBeenCalledWith(CASE_ID, "approved", null);
    expect(text.value).toBe(sampleLetterText("approved"));
    expect(preview().dataset.signature).toBe("automated");
    expect((screen.getByTestId("letter-reset") as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(text, { target: { value: `${text.value}\n\nMit der Auflage, den Hund anzuleinen.` } });
    expect(preview().dataset.signature).toBe("responsible");
    expect(screen.getByTestId("letter-signature").textContent).toBe(
      "Geänderter Text — der Bescheid nennt Sie als verantwortliche Person",
    );
    expect(handlers.onDirtyChange).toHaveBeenLastCalledWith(true);
    await waitFor(() =>
      expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(
        CASE_ID,
        "approved",
        null,
        expect.stringContaining("anzuleinen"),
      ),
    );

    fireEvent.click(screen.getByTestId("letter-reset"));
    expect(text.value).toBe(sampleLetterText("approved"));
    expect(preview().dataset.signature).toBe("automated");
    expect(handlers.onDirtyChange).toHaveBeenLastCalledWith(false);
    await waitFor(() =>
      expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(CASE_ID, "approved", null, null),
    );
  });

  it("asks before an outcome switch discards edits, and switches at once without edits", async () => {
    const { backend } = renderPanel();
    const text = await startEditing();
    fireEvent.change(outcomeSelect(), { target: { value: "partial" } });
    expect(screen.queryByTestId("letter-outcome-dialog")).toBeNull();
    expect(outcomeSelect().value).toBe("partial");
    await waitFor(() => expect(text.value).toBe(sampleLetterText("partial")));

    fireEvent.change(text, { target: { value: "Eigener Text" } });
    fireEvent.change(outcomeSelect(), { target: { value: "rejected" } });
    const dialog = await screen.findByTestId("letter-outcome-dialog");
    expect(outcomeSelect().value).toBe("partial");
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByTestId("letter-outcome-dialog")).toBeNull();
    expect(outcomeSelect().value).toBe("partial");
    expect(text.value).toBe("Eigener Text");

    fireEvent.change(outcomeSelect(), { target: { value: "rejected" } });
    fireEvent.click(await screen.findByTestId("letter-outcome-confirm"));
    expect(outcomeSelect().value).toBe("rejected");
    await waitFor(() =>
      expect((screen.getByTestId("letter-text") as HTMLTextAreaElement).value).toBe(sampleLetterText("rejected")),
    );
    expect(backend.commands.letter_text).toHaveBeenLastCalledWith(CASE_ID, "rejected", null);
    expect(preview().dataset.signature).toBe("automated");
  });

  it("decides with the template's text (null) and the fee in cents after confirmation", async () => {
    const { backend, handlers } = renderPanel();
    fireEvent.click(screen.getByTestId("letter-finalise"));
    const dialog = await screen.findByTestId("letter-confirm-dialog");
    expect(within(dialog).getByTestId("letter-confirm-outcome").textContent).toBe("Bewilligung");
    expect(within(dialog).getByTestId("letter-confirm-fee").textContent).toMatch(/^26,00\s€$/);
    expect(dialog.textContent).toContain("Erika Mustermann");
    expect(dialog.textContent).toContain("12345 Musterstadt");
    expect(dialog.textContent).toContain("nicht rückgängig");
    // The safe choice has focus first.
    expect(document.activeElement?.textContent).toBe("Abbrechen");
    fireEvent.click(within(dialog).getByTestId("letter-confirm"));
    await waitFor(() => expect(handlers.onDecided).toHaveBeenCalled());
    expect(backend.commands.decide).toHaveBeenCalledWith(CASE_ID, "approved", 2600, null);
  });

  it("decides with the edited text, another outcome and fee", async () => {
    const { backend, handlers } = renderPanel();
    fireEvent.change(outcomeSelect(), { target: { value: "partial" } });
    fireEvent.change(feeInput(), { target: { value: "1.030,50 €" } });
    const text = await startEditing();
    fireEvent.change(text, { target: { value: "# Teilbewilligung\n\nNur **teilweise**." } });
    fireEvent.click(screen.getByTestId("letter-finalise"));
    const dialog = await screen.findByTestId("letter-confirm-dialog");
    expect(dialog.textContent).toContain("verantwortliche Person");
    fireEvent.click(within(dialog).getByTestId("letter-confirm"));
    await waitFor(() => expect(handlers.onDecided).toHaveBeenCalled());
    expect(backend.commands.decide).toHaveBeenCalledWith(
      CASE_ID,
      "partial",
      103050,
      "# Teilbewilligung\n\nNur **teilweise**.",
    );
  });

  it("shows the engine's errors: a template error naming the line, a refused decision", async () => {
    const backend = fakeBackend();
    backend.commands.letter_preview.mockRejectedValue({
      code: "letter_template",
      message: "Brief: template bescheid_approved line 7 failed at `fee.due`: undefined",
    });
    backend.commands.decide.mockRejectedValue({
      code: "refused",
      message: "Der Vorgang ist Jan Berg zugewiesen, nicht Ihnen",
    });
    const { handlers } = renderPanel(backend);
    const error = await screen.findByTestId("letter-error");
    expect(error.dataset.code).toBe("letter_template");
    expect(error.textContent).toContain("Die Vorlage des Bescheids ist fehlerhaft.");
    expect(error.textContent).toContain("line 7");
    expect(preview().dataset.state).toBe("error");
    expect(preview().dataset.pages).toBeUndefined();

    fireEvent.click(screen.getByTestId("letter-finalise"));
    fireEvent.click(await screen.findByTestId("letter-confirm"));
    await waitFor(() => expect(screen.getByTestId("letter-error").textContent).toContain("Jan Berg"));
    expect(screen.queryByTestId("letter-confirm-dialog")).toBeNull();
    expect(handlers.onDecided).not.toHaveBeenCalled();
  });

  it("closes with Esc from its fields", async () => {
    const { handlers } = renderPanel();
    expect(document.activeElement).toBe(outcomeSelect());
    fireEvent.keyDown(outcomeSelect(), { key: "Escape" });
    expect(handlers.onClose).toHaveBeenCalledTimes(1);
  });

  it("has no serious accessibility violations, editing or confirming", async () => {
    const { view } = renderPanel();
    await waitFor(() => expect(preview().dataset.pages).toBe("2"));
    await startEditing();
    fireEvent.change(feeInput(), { target: { value: "abc" } });
    expect(await seriousViolations(view.container)).toEqual([]);
    fireEvent.change(feeInput(), { target: { value: "26" } });
    fireEvent.click(screen.getByTestId("letter-finalise"));
    await screen.findByTestId("letter-confirm-dialog");
    expect(await seriousViolations(view.container)).toEqual([]);
  });

  it("keeps the entry the engine queued for the desk", async () => {
    const backend = fakeBackend();
    const entry = sampleEntry({ command_id: "cmd-decide" });
    backend.commands.decide.mockResolvedValue(entry);
    const { handlers } = renderPanel(backend);
    fireEvent.click(screen.getByTestId("letter-finalise"));
    fireEvent.click(await screen.findByTestId("letter-confirm"));
    await waitFor(() => expect(handlers.onDecided).toHaveBeenCalledWith(entry));
  });
});

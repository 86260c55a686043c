// Tests of the Bescheid panel against a fake engine: the outcomes and channels of the
// service's law, reasons before a refusal has a letter, the debounced live preview
// and its stale answers, the fee field, editing (the closing is never part of the
// text), the question before an outcome switch discards edits, the drafts sent to
// the engine, its errors, and no serious accessibility violations.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { useEffect, useRef } from "react";
import { describe, expect, it, vi } from "vitest";
import { BackendContext } from "../backend";
import type { CaseDetail, DecisionDraft } from "../generated/bindings";
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
      <LetterPanel detail={detail} me={ME} {...handlers} />
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

/** A draft as the panel sends it, with the defaults of the sample law. */
function draft(overrides: Partial<DecisionDraft> = {}): DecisionDraft {
  return {
    outcome: "approved",
    fee_cents: 2600,
    reasons: null,
    partial_note: null,
    channel: "post",
    edited_text: null,
    ...overrides,
  };
}

const reasonsInput = () => screen.getByTestId("letter-reasons") as HTMLTextAreaElement;
const finalise = () => screen.getByTestId("letter-finalise") as HTMLButtonElement;

describe("LetterPanel", () => {
  it("shows the template's letter after a pending state, signed by the caseworker", async () => {
    const { backend } = renderPanel();
    expect(preview().dataset.state).toBe("pending");
    expect(preview().textContent).toContain("Vorschau wird erstellt…");
    expect(preview().dataset.pages).toBeUndefined();
    await waitFor(() => expect(preview().dataset.pages).toBe("2"));
    expect(backend.commands.letter_preview).toHaveBeenCalledTimes(1);
    expect(backend.commands.letter_preview).toHaveBeenCalledWith(CASE_ID, draft());
    expect(screen.getByTestId("pdf-viewer").dataset.bytes).toBe("%PDF-1.7 Vorschau");
    expect(screen.getByTestId("letter-signature").textContent).toContain("„Im Auftrag“ und Ihrem Namen (Mia Maier)");
    expect(preview().textContent).not.toContain("Vorschau wird erstellt");
  });

  it("offers only the outcomes of the service's law, with the fee of each", async () => {
    renderPanel();
    const options = [...outcomeSelect().options].map((o) => [o.value, o.textContent]);
    expect(options).toEqual([
      ["approved", "Bewilligung"],
      ["partial", "Teilbewilligung"],
      ["rejected", "Ablehnung"],
    ]);
    fireEvent.change(outcomeSelect(), { target: { value: "rejected" } });
    expect(feeInput().value).toBe("10,00 €");
  });

  it("labels a receipt as Bestätigung when that is what the law knows", () => {
    const detail = caseDetail();
    detail.law!.outcomes = [{ outcome: "receipted", needs_reasons: false, fee_cents: 0 }];
    renderPanel(fakeBackend(), detail);
    expect([...outcomeSelect().options].map((o) => o.textContent)).toEqual(["Bestätigung"]);
  });

  it("makes no letter for a rejection until the reasons are written, and says why", async () => {
    const { backend } = renderPanel();
    await waitFor(() => expect(preview().dataset.pages).toBe("2"));
    fireEvent.change(outcomeSelect(), { target: { value: "rejected" } });
    expect(preview().dataset.state).toBe("no-reasons");
    expect(screen.getByTestId("letter-reasons-missing").textContent).toContain(
      "Eine Ablehnung braucht Ihre Begründung zu diesem Fall (§ 39 VwVfG NRW)",
    );
    expect(screen.queryByTestId("pdf-viewer")).toBeNull();
    expect(finalise().disabled).toBe(true);
    expect((screen.getByTestId("letter-edit") as HTMLButtonElement).disabled).toBe(true);
    expect(reasonsInput().required).toBe(true);
    expect(reasonsInput().getAttribute("aria-invalid")).toBe("true");
    expect(backend.commands.letter_preview).toHaveBeenCalledTimes(1);

    fireEvent.change(reasonsInput(), { target: { value: "Der Gehweg ist nur 1,20 m breit." } });
    await waitFor(() => expect(preview().dataset.pages).toBe("2"));
    expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(
      CASE_ID,
      draft({ outcome: "rejected", fee_cents: 1000, reasons: "Der Gehweg ist nur 1,20 m breit." }),
    );
    expect(screen.queryByTestId("letter-reasons-missing")).toBeNull();
    expect(finalise().disabled).toBe(false);
  });

  it("shows the portal closed with the reason without consent, and sends the channel chosen", async () => {
    const { backend } = renderPanel();
    const portal = screen.getByTestId("letter-channel-portal") as HTMLInputElement;
    expect(portal.disabled).toBe(true);
    expect(document.getElementById(portal.getAttribute("aria-describedby")!)?.textContent).toContain(
      "nicht zugestimmt",
    );
    expect((screen.getByTestId("letter-channel-post") as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId("letter-channel-zustellung")).toBeNull();

    const consented = caseDetail();
    consented.law!.channels = [
      { channel: "post", allowed: true, reason: null },
      { channel: "portal", allowed: true, reason: null },
    ];
    consented.law!.default_channel = "portal";
    renderPanel(backend, consented);
    const radios = screen.getAllByTestId("letter-channel-post") as HTMLInputElement[];
    fireEvent.click(radios.at(-1)!);
    await waitFor(() => expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(CASE_ID, draft()));
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
    expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(CASE_ID, draft({ edited_text: final }));
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

  it("prefills the law's fee, explains invalid input and normalises valid input", async () => {
    const { backend } = renderPanel();
    expect(feeInput().value).toBe("26,00 €");
    fireEvent.change(feeInput(), { target: { value: "26,555" } });
    expect(screen.getByTestId("letter-fee-error").textContent).toContain("zwei Nachkommastellen");
    expect(feeInput().getAttribute("aria-invalid")).toBe("true");
    expect(feeInput().getAttribute("aria-describedby")).toBe("letter-fee-error");
    expect(finalise().disabled).toBe(true);
    fireEvent.change(feeInput(), { target: { value: "30,5" } });
    fireEvent.blur(feeInput());
    expect(feeInput().value).toBe("30,50 €");
    expect(screen.queryByTestId("letter-fee-error")).toBeNull();
    expect(document.getElementById("letter-fee-note")?.textContent).toContain("26,00");
    await waitFor(() =>
      expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(CASE_ID, draft({ fee_cents: 3050 })),
    );
    expect(finalise().disabled).toBe(false);
  });

  it("edits the template's text without its closing, and restores the template", async () => {
    const { backend, handlers } = renderPanel();
    const text = await startEditing();
    expect(backend.commands.letter_text).toHaveBeenCalledWith(CASE_ID, draft());
    expect(text.value).toBe(sampleLetterText("approved"));
    expect(text.value).not.toContain("Im Auftrag");
    expect((screen.getByTestId("letter-reset") as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(text, { target: { value: `${text.value}\n\nMit der Auflage, den Hund anzuleinen.` } });
    expect(handlers.onDirtyChange).toHaveBeenLastCalledWith(true);
    await waitFor(() =>
      expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(
        CASE_ID,
        draft({ edited_text: expect.stringContaining("anzuleinen") as unknown as string }),
      ),
    );

    fireEvent.click(screen.getByTestId("letter-reset"));
    expect(text.value).toBe(sampleLetterText("approved"));
    expect(handlers.onDirtyChange).toHaveBeenLastCalledWith(false);
    await waitFor(() => expect(backend.commands.letter_preview).toHaveBeenLastCalledWith(CASE_ID, draft()));
  });

  it("loads the text with the reasons, and names them when they change after editing", async () => {
    const { backend } = renderPanel();
    fireEvent.change(outcomeSelect(), { target: { value: "rejected" } });
    fireEvent.change(reasonsInput(), { target: { value: "Kein Nachweis." } });
    const text = await startEditing();
    await waitFor(() => expect(text.value).toBe(sampleLetterText("rejected", "Kein Nachweis.")));
    expect(backend.commands.letter_text).toHaveBeenLastCalledWith(
      CASE_ID,
      draft({ outcome: "rejected", fee_cents: 1000, reasons: "Kein Nachweis." }),
    );
    fireEvent.change(text, { target: { value: `${text.value} Ergänzt.` } });
    fireEvent.change(reasonsInput(), { target: { value: "Kein Nachweis der Versicherung." } });
    expect(screen.getByTestId("letter-text-stale").textContent).toContain("Begründung");
    expect(text.value).toContain("Ergänzt.");
  });

  it("asks before an outcome switch discards edits, and switches at once without edits", async () => {
    const { backend } = renderPanel();
    const text = await startEditing();
    fireEvent.change(reasonsInput(), { target: { value: "Nur teilweise." } });
    fireEvent.change(outcomeSelect(), { target: { value: "partial" } });
    expect(screen.queryByTestId("letter-outcome-dialog")).toBeNull();
    expect(outcomeSelect().value).toBe("partial");
    await waitFor(() => expect(text.value).toBe(sampleLetterText("partial", "Nur teilweise.")));

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
      expect((screen.getByTestId("letter-text") as HTMLTextAreaElement).value).toBe(
        sampleLetterText("rejected", "Nur teilweise."),
      ),
    );
    expect(backend.commands.letter_text).toHaveBeenLastCalledWith(
      CASE_ID,
      draft({ outcome: "rejected", fee_cents: 1000, reasons: "Nur teilweise." }),
    );
  });

  it("decides with the template's text (null), the fee, reasons and channel after confirmation", async () => {
    const { backend, handlers } = renderPanel();
    fireEvent.click(finalise());
    const dialog = await screen.findByTestId("letter-confirm-dialog");
    expect(within(dialog).getByTestId("letter-confirm-outcome").textContent).toBe("Bewilligung");
    expect(within(dialog).getByTestId("letter-confirm-fee").textContent).toMatch(/^26,00\s€$/);
    expect(within(dialog).getByTestId("letter-confirm-channel").textContent).toBe("Post");
    expect(dialog.textContent).toContain("Erika Mustermann");
    expect(dialog.textContent).toContain("12345 Musterstadt");
    expect(dialog.textContent).toContain("Im Auftrag, Mia Maier");
    expect(dialog.textContent).toContain("Versand erfassen");
    expect(dialog.textContent).toContain("nicht rückgängig");
    // The safe choice has focus first.
    expect(document.activeElement?.textContent).toBe("Abbrechen");
    fireEvent.click(within(dialog).getByTestId("letter-confirm"));
    await waitFor(() => expect(handlers.onDecided).toHaveBeenCalled());
    expect(backend.commands.decide).toHaveBeenCalledWith(CASE_ID, draft());
  });

  it("decides with the edited text, another outcome, fee and reasons", async () => {
    const { backend, handlers } = renderPanel();
    fireEvent.change(outcomeSelect(), { target: { value: "partial" } });
    fireEvent.change(feeInput(), { target: { value: "1.030,50 €" } });
    fireEvent.change(reasonsInput(), { target: { value: "Nur der Parkstreifen." } });
    fireEvent.change(screen.getByTestId("letter-partial"), { target: { value: "Bewilligt: 12 m²." } });
    const text = await startEditing();
    await waitFor(() => expect(text.value).not.toBe(""));
    fireEvent.change(text, { target: { value: "# Teilbewilligung\n\nNur **teilweise**." } });
    fireEvent.click(finalise());
    fireEvent.click(within(await screen.findByTestId("letter-confirm-dialog")).getByTestId("letter-confirm"));
    await waitFor(() => expect(handlers.onDecided).toHaveBeenCalled());
    expect(backend.commands.decide).toHaveBeenCalledWith(
      CASE_ID,
      draft({
        outcome: "partial",
        fee_cents: 103050,
        reasons: "Nur der Parkstreifen.",
        partial_note: "Bewilligt: 12 m².",
        edited_text: "# Teilbewilligung\n\nNur **teilweise**.",
      }),
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

    fireEvent.click(finalise());
    fireEvent.click(await screen.findByTestId("letter-confirm"));
    await waitFor(() => expect(screen.getByTestId("letter-error").textContent).toContain("Jan Berg"));
    expect(screen.queryByTestId("letter-confirm-dialog")).toBeNull();
    expect(handlers.onDecided).not.toHaveBeenCalled();
  });

  it("says so when the service's law is not in the local store", () => {
    const detail = caseDetail();
    detail.law = null;
    renderPanel(fakeBackend(), detail);
    expect(screen.getByTestId("letter-error").textContent).toContain("nicht im lokalen Bestand");
    expect(screen.queryByTestId("letter-finalise")).toBeNull();
  });

  it("closes with Esc from its fields", async () => {
    const { handlers } = renderPanel();
    expect(document.activeElement).toBe(outcomeSelect());
    fireEvent.keyDown(outcomeSelect(), { key: "Escape" });
    expect(handlers.onClose).toHaveBeenCalledTimes(1);
  });

  it("has no serious accessibility violations, editing, without reasons or confirming", async () => {
    const { view } = renderPanel();
    await waitFor(() => expect(preview().dataset.pages).toBe("2"));
    await startEditing();
    fireEvent.change(feeInput(), { target: { value: "abc" } });
    expect(await seriousViolations(view.container)).toEqual([]);
    fireEvent.change(feeInput(), { target: { value: "26" } });
    fireEvent.click(finalise());
    await screen.findByTestId("letter-confirm-dialog");
    expect(await seriousViolations(view.container)).toEqual([]);
    fireEvent.click(screen.getByText("Abbrechen"));
    fireEvent.change(outcomeSelect(), { target: { value: "rejected" } });
    expect(await seriousViolations(view.container)).toEqual([]);
  });

  it("keeps the entry the engine queued for the desk", async () => {
    const backend = fakeBackend();
    const entry = sampleEntry({ command_id: "cmd-decide" });
    backend.commands.decide.mockResolvedValue(entry);
    const { handlers } = renderPanel(backend);
    fireEvent.click(finalise());
    fireEvent.click(await screen.findByTestId("letter-confirm"));
    await waitFor(() => expect(handlers.onDecided).toHaveBeenCalledWith(entry));
  });
});

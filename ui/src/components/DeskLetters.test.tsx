// Tests of letters on the desk against a fake engine: the Bescheid panel opened with
// `b` beside an open case, closed with Esc (asking when the text was edited), the
// pending decision afterwards and recording its dispatch; the hearing panel; and team
// leads' batch decisions from the inbox selection; fee and tax notices after the
// decision. Also checks the dialogs and the selectable inbox with axe.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { BackendContext } from "../backend";
import type { CaseDetail, UserInfo } from "../generated/bindings";
import { type FakeBackend, fakeBackend } from "../test/fakeBackend";
import { ME, announcedByPost, sampleDetail, sampleEntry, sampleSession } from "../test/fixtures";

vi.mock("./PdfViewer", () => ({
  PdfViewer: () => <div data-testid="pdf-viewer" />,
}));

// jsdom has no layout: give the inbox's scroll area a height so rows get rendered.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientHeight");
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, "clientHeight", {
    configurable: true,
    get() {
      return (this as HTMLElement).classList.contains("inbox-scroll") ? 360 : 0;
    },
  });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, "clientHeight", clientHeight);
});

const LEAD: UserInfo = { ...ME, id: "u-lead", name: "tom", display_name: "Tom Teamleiter", role: "team_lead" };

async function renderDesk(backend: FakeBackend) {
  const view = render(
    <BackendContext.Provider value={backend}>
      <App />
    </BackendContext.Provider>,
  );
  await waitFor(() => expect(screen.getAllByTestId("inbox-row").length).toBeGreaterThan(0));
  return view;
}

const key = (k: string, target: Element = document.body) => fireEvent.keyDown(target, { key: k });
const rows = () => screen.getAllByTestId("inbox-row");
const checkbox = (row: Element) => within(row as HTMLElement).getByTestId("row-select") as HTMLInputElement;

function myOpenCase(id = "case-0"): CaseDetail {
  const detail = sampleDetail();
  detail.case.id = id;
  detail.case.status = "in_review";
  detail.case.assignee = ME.id;
  detail.case.fee = { amount_cents: 2600, kassenzeichen: "5.0123.456789.3", status: "open" };
  // What the engine offers the processor of a case in review.
  detail.actions = { ...detail.actions, claim: false, release: true, process: true };
  return detail;
}

/** What the engine offers the processor of a decided case. */
const DECIDED_ACTIONS: CaseDetail["actions"] = {
  claim: false,
  release: false,
  assign: false,
  status_moves: [{ status: "closed", label: "Abschließen", reason_required: false }],
  process: false,
  prepare_decision: false,
  message: true,
  request_items: false,
  hear: false,
  request_moves: [],
  issue_notice: true,
  record_dispatch: [{ notice_id: null, title: "Bescheid", channel: "post", state: "awaiting_dispatch" }],
};

async function seriousViolations(element: Element) {
  const results = await axe.run(element, { rules: { "color-contrast": { enabled: false } } });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`);
}

describe("requests to the citizen", () => {
  it("request the offered items with u and send them with their letter", async () => {
    const backend = fakeBackend();
    const detail = myOpenCase();
    detail.actions = { ...detail.actions, request_items: true };
    detail.request_candidates = [
      { kind: "insurance", description: "Haftpflichtversicherung – erneut einreichen: abgelaufen", replaces: "doc-1" },
    ];
    backend.commands.case_detail.mockResolvedValue(detail);
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    await screen.findByTestId("case-view");
    key("u");
    const panel = await screen.findByTestId("request-panel");
    expect((within(panel).getAllByTestId("request-item-chosen")[0] as HTMLInputElement).checked).toBe(true);
    expect((within(panel).getByTestId("request-send") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(panel).getByTestId("request-reason"), {
      target: { value: "Der Nachweis ist abgelaufen." },
    });
    await waitFor(() =>
      expect(backend.commands.items_request_preview).toHaveBeenCalledWith(
        "case-0",
        expect.objectContaining({ reason: "Der Nachweis ist abgelaufen.", answer_due: "2026-03-19" }),
      ),
    );
    expect(await seriousViolations(panel)).toEqual([]);
    fireEvent.click(within(panel).getByTestId("request-send"));
    fireEvent.click(await screen.findByTestId("request-confirm"));
    await waitFor(() => expect(screen.queryByTestId("request-panel")).toBeNull());
    expect(backend.commands.request_items).toHaveBeenCalledWith(
      "case-0",
      expect.objectContaining({
        items: [expect.objectContaining({ kind: "insurance", replaces: "doc-1" })],
      }),
    );
  });

  it("write to the citizen from the case; the message shows as on its way", async () => {
    const backend = fakeBackend();
    const detail = myOpenCase();
    detail.actions = { ...detail.actions, message: true };
    detail.case.messages = [
      {
        id: "m-1",
        from_citizen: true,
        author: "Erika Mustermann",
        text: "<b>Wann</b> geht es weiter?",
        at: "2026-03-05T08:00:00Z",
      },
    ];
    backend.commands.case_detail.mockResolvedValue(detail);
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    const thread = await screen.findByTestId("messages");
    const message = within(thread).getByTestId("message");
    expect(message.dataset.fromCitizen).toBe("true");
    // Citizen text is text, never markup.
    expect(message.textContent).toContain("<b>Wann</b> geht es weiter?");
    expect(message.querySelector("b")).toBeNull();
    const submit = within(thread).getByTestId("message-submit") as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(within(thread).getByTestId("message-input"), { target: { value: " Nächste Woche. " } });
    fireEvent.click(submit);
    await waitFor(() =>
      expect(backend.commands.command).toHaveBeenCalledWith("case-0", {
        kind: "send_message",
        payload: { text: "Nächste Woche." },
      }),
    );
    expect(await seriousViolations(thread)).toEqual([]);
  });

  it("show a partial answer per item and let the caseworker accept it", async () => {
    const backend = fakeBackend();
    const detail = myOpenCase();
    detail.case.status = "awaiting_citizen";
    detail.case.documents = [
      ...detail.case.documents,
      {
        id: "doc-new",
        sha256: "b".repeat(64),
        file_name: "versicherung-neu.pdf",
        media_type: "application/pdf",
        size: 2048,
        kind: "insurance",
        uploaded_at: "2026-03-06T09:00:00Z",
        from_citizen: true,
      },
    ];
    detail.case.requests = [
      {
        id: "req-1",
        purpose: "items",
        items: [
          { kind: "insurance", description: "Haftpflichtversicherung", replaces: null },
          { kind: null, description: "Foto des Hundes", replaces: null },
        ],
        reason: "Der Nachweis fehlt.",
        message: "Bitte nachreichen.",
        answer_due: "2026-03-19",
        requested_at: "2026-03-05T09:00:00Z",
        requested_by: ME.id,
        status: "open",
        answers: [{ item: 0, document_ids: ["doc-new"] }],
        last_answer_at: "2026-03-06T09:00:00Z",
      },
    ];
    detail.actions = {
      ...detail.actions,
      request_moves: [{ request_id: "req-1", extend: true, withdraw: true, accept: true }],
    };
    backend.commands.case_detail.mockResolvedValue(detail);
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    const request = await screen.findByTestId("request");
    expect(request.dataset.partial).toBe("true");
    expect(within(request).getByTestId("request-status").textContent).toBe("Teilweise beantwortet");
    const items = within(request).getAllByTestId("request-item-state");
    expect(items.map((i) => i.dataset.answered)).toEqual(["true", "false"]);
    fireEvent.click(within(request).getByTestId("request-item-document"));
    await waitFor(() =>
      expect(document.querySelector(".document-viewer")?.getAttribute("data-document-id")).toBe("doc-new"),
    );
    fireEvent.click(within(request).getByTestId("request-accept"));
    await waitFor(() =>
      expect(backend.commands.command).toHaveBeenCalledWith("case-0", {
        kind: "accept_answer",
        payload: { request_id: "req-1" },
      }),
    );
  });
});

describe("notices after the decision", () => {
  it("issue a fee notice over the case's fee, or a tax notice by post where a tax follows", async () => {
    const backend = fakeBackend();
    const detail = myOpenCase();
    detail.case.status = "decided";
    detail.actions = { ...DECIDED_ACTIONS, record_dispatch: [] };
    detail.law = { ...detail.law!, tax_annual_cents: 9600 };
    backend.commands.case_detail.mockResolvedValue(detail);
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    fireEvent.click(await screen.findByTestId("notice-open"));
    const panel = await screen.findByTestId("notice-panel");
    expect((within(panel).getByTestId("notice-amount") as HTMLInputElement).value).toBe("26,00 €");
    await waitFor(() =>
      expect(backend.commands.notice_preview).toHaveBeenCalledWith(
        "case-0",
        expect.objectContaining({ kind: "fee", amount_cents: 2600, channel: "post" }),
      ),
    );
    // Nothing is assessed at zero.
    fireEvent.change(within(panel).getByTestId("notice-amount"), { target: { value: "0" } });
    expect((within(panel).getByTestId("notice-issue") as HTMLButtonElement).disabled).toBe(true);
    // The tax notice assesses the yearly tax and goes by post only.
    fireEvent.change(within(panel).getByTestId("notice-kind"), { target: { value: "tax" } });
    expect((within(panel).getByTestId("notice-amount") as HTMLInputElement).value).toBe("96,00 €");
    expect(within(panel).queryByTestId("notice-channel-portal")).toBeNull();
    expect(await seriousViolations(panel)).toEqual([]);
    fireEvent.click(within(panel).getByTestId("notice-issue"));
    fireEvent.click(await screen.findByTestId("notice-confirm"));
    await waitFor(() => expect(screen.queryByTestId("notice-panel")).toBeNull());
    expect(backend.commands.issue_notice).toHaveBeenCalledWith("case-0", {
      kind: "tax",
      amount_cents: 9600,
      channel: "post",
      edited_text: null,
    });
  });
});

describe("Bescheid on the desk", () => {
  it("opens with b for an open case, closes with Esc and gives focus back", async () => {
    const backend = fakeBackend();
    backend.commands.case_detail.mockImplementation(async (id: string) => myOpenCase(id));
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    await screen.findByTestId("case-view");
    const button = await screen.findByTestId("letter-open");
    expect(button.getAttribute("aria-expanded")).toBe("false");

    key("b");
    const panel = await screen.findByTestId("letter-panel");
    expect(document.activeElement).toBe(within(panel).getByTestId("letter-outcome"));
    expect(screen.getByTestId("letter-open").getAttribute("aria-expanded")).toBe("true");
    await waitFor(() =>
      expect(backend.commands.letter_preview).toHaveBeenCalledWith(
        "case-0",
        expect.objectContaining({ outcome: "approved" }),
      ),
    );

    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(screen.queryByTestId("letter-panel")).toBeNull();
    expect(screen.getByTestId("case-view")).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("letter-open")));

    key("?");
    expect((await screen.findByTestId("shortcuts")).textContent).toContain("Bescheid erstellen");
  });

  it("offers no Bescheid for a decided case", async () => {
    const backend = fakeBackend();
    backend.commands.case_detail.mockImplementation(async (id: string) => ({
      ...myOpenCase(id),
      case: { ...myOpenCase(id).case, status: "decided" },
      actions: DECIDED_ACTIONS,
    }));
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    await screen.findByTestId("case-view");
    key("b");
    expect(screen.queryByTestId("letter-open")).toBeNull();
    expect(screen.queryByTestId("letter-panel")).toBeNull();
  });

  it("asks before an edited Bescheid is closed or left for another case", async () => {
    const backend = fakeBackend();
    backend.commands.case_detail.mockImplementation(async (id: string) => myOpenCase(id));
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    fireEvent.click(await screen.findByTestId("letter-open"));
    fireEvent.click(await screen.findByTestId("letter-edit"));
    const text = (await screen.findByTestId("letter-text")) as HTMLTextAreaElement;
    await waitFor(() => expect(text.readOnly).toBe(false));
    fireEvent.change(text, { target: { value: "Eigener Bescheidtext" } });

    key("Escape");
    const dialog = await screen.findByTestId("letter-discard-dialog");
    fireEvent.click(within(dialog).getByText("Weiter bearbeiten"));
    expect(screen.queryByTestId("letter-discard-dialog")).toBeNull();
    expect((screen.getByTestId("letter-text") as HTMLTextAreaElement).value).toBe("Eigener Bescheidtext");

    fireEvent.click(rows()[1]!);
    expect(await screen.findByTestId("letter-discard-dialog")).toBeTruthy();
    expect(backend.commands.case_detail).not.toHaveBeenCalledWith("case-1");
    fireEvent.click(screen.getByTestId("letter-discard"));
    await waitFor(() => expect(backend.commands.case_detail).toHaveBeenCalledWith("case-1"));
    expect(screen.queryByTestId("letter-panel")).toBeNull();
  });

  it("closes after deciding; the case shows the decision on its way and records its dispatch", async () => {
    const backend = fakeBackend();
    let detail = myOpenCase();
    backend.commands.case_detail.mockImplementation(async () => detail);
    backend.commands.decide.mockImplementation(async (id, draft) => {
      const entry = sampleEntry({
        case_id: id,
        commandKind: {
          kind: "record_decision",
          payload: {
            outcome: draft.outcome,
            letter_sha256: "b".repeat(64),
            fee_cents: draft.fee_cents!,
            reasons: draft.reasons,
            channel: "post",
          },
        },
      });
      const waiting = announcedByPost({ state: "awaiting_dispatch" });
      waiting.delivery = { ...waiting.delivery, dispatched_on: null, dates: null };
      detail = {
        ...detail,
        case: {
          ...detail.case,
          status: "decided",
          decision: {
            outcome: draft.outcome,
            decided_at: "2026-03-05T10:00:00Z",
            decided_by: ME.id,
            letter_sha256: "b".repeat(64),
            fee_cents: draft.fee_cents!,
            reasons: draft.reasons,
            delivery: waiting.delivery,
          },
        },
        outbox: [entry],
        actions: DECIDED_ACTIONS,
        law: { ...detail.law!, deliveries: [waiting] },
      };
      return entry;
    });
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    await screen.findByTestId("case-view");
    key("b");
    fireEvent.change(await screen.findByTestId("letter-outcome"), { target: { value: "rejected" } });
    expect((screen.getByTestId("letter-finalise") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId("letter-reasons"), { target: { value: "Kein Nachweis." } });
    fireEvent.click(screen.getByTestId("letter-finalise"));
    fireEvent.click(await screen.findByTestId("letter-confirm"));
    await waitFor(() => expect(screen.queryByTestId("letter-panel")).toBeNull());
    expect(backend.commands.decide).toHaveBeenCalledWith(
      "case-0",
      expect.objectContaining({ outcome: "rejected", reasons: "Kein Nachweis.", fee_cents: 1000, channel: "post" }),
    );
    await waitFor(() => expect(screen.getByTestId("case-view").dataset.pending).toBe("1"));
    expect(screen.getByTestId("decision").dataset.pending).toBe("true");
    expect(screen.getByTestId("decision-outcome").textContent).toBe("Abgelehnt");
    expect(screen.getByTestId("decision-reasons").textContent).toBe("Kein Nachweis.");
    expect(screen.getByTestId("delivery-state").textContent).toBe("Versand noch nicht erfasst");
    expect(screen.queryByTestId("delivery-remedy-deadline")).toBeNull();
    expect(screen.queryByTestId("letter-open")).toBeNull();
    await waitFor(() => expect(document.activeElement?.id).toBe("case-title"));

    // "Versand erfassen": today by default, never a day in the future.
    fireEvent.click(screen.getByTestId("dispatch-open"));
    const on = screen.getByTestId("dispatch-on") as HTMLInputElement;
    expect(on.value).toBe(detail.today);
    expect(on.max).toBe(detail.today);
    expect(await seriousViolations(screen.getByTestId("decision"))).toEqual([]);
    fireEvent.change(on, { target: { value: "2099-01-01" } });
    expect((screen.getByTestId("dispatch-submit") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(on, { target: { value: detail.today } });
    fireEvent.click(screen.getByTestId("dispatch-submit"));
    await waitFor(() => expect(backend.commands.record_dispatch).toHaveBeenCalledWith("case-0", null, detail.today));
    await waitFor(() => expect(screen.queryByTestId("dispatch-form")).toBeNull());
  });

  it("shows the Bekanntgabe and the period the law names once announced", async () => {
    const backend = fakeBackend();
    const detail = myOpenCase();
    const announced = announcedByPost({ remedy: "widerspruch" });
    detail.case = {
      ...detail.case,
      status: "decided",
      decision: {
        outcome: "approved",
        decided_at: "2026-03-05T10:00:00Z",
        decided_by: ME.id,
        letter_sha256: null,
        fee_cents: 2600,
        reasons: null,
        delivery: announced.delivery,
      },
    };
    detail.actions = { ...DECIDED_ACTIONS, record_dispatch: [] };
    detail.law = { ...detail.law!, remedy: "widerspruch", deliveries: [announced] };
    backend.commands.case_detail.mockResolvedValue(detail);
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    await screen.findByTestId("case-view");
    expect(screen.getByTestId("delivery-announced").textContent).toBe("10.03.2026");
    expect(screen.getByTestId("delivery-remedy-deadline").textContent).toBe("10.04.2026");
    expect(screen.getByTestId("decision").textContent).toContain("Widerspruchsfrist bis");
    expect(screen.getByTestId("decision").textContent).not.toContain("Klagefrist");
    expect(screen.getByTestId("delivery-fee-due").textContent).toBe("24.03.2026");
    expect(screen.queryByTestId("dispatch-open")).toBeNull();
  });

  it("prepares a hearing with the law's answer date, moving a weekend day with a note", async () => {
    const backend = fakeBackend();
    const detail = myOpenCase();
    detail.actions = { ...detail.actions, hear: true };
    backend.commands.case_detail.mockResolvedValue(detail);
    backend.commands.answer_deadline.mockImplementation(async (picked: string) =>
      picked === "2026-03-21"
        ? { picked, due: "2026-03-23", note: "Der 21.03.2026 ist ein Samstag; … Montag, 23.03.2026." }
        : { picked, due: picked, note: null },
    );
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    fireEvent.click(await screen.findByTestId("hearing-open"));
    const panel = await screen.findByTestId("hearing-panel");
    const due = within(panel).getByTestId("hearing-due") as HTMLInputElement;
    expect(due.value).toBe("2026-03-19");
    fireEvent.change(due, { target: { value: "2026-03-21" } });
    await waitFor(() => expect(due.value).toBe("2026-03-23"));
    expect(within(panel).getByTestId("hearing-due-note").textContent).toContain("Samstag");
    expect((within(panel).getByTestId("hearing-start") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(panel).getByTestId("hearing-intended"), {
      target: { value: "Wir beabsichtigen, den Antrag abzulehnen." },
    });
    await waitFor(() =>
      expect(backend.commands.hearing_preview).toHaveBeenLastCalledWith("case-0", {
        intended: "Wir beabsichtigen, den Antrag abzulehnen.",
        answer_due: "2026-03-23",
        message: expect.stringContaining("23.03.2026") as unknown as string,
      }),
    );
    expect(await seriousViolations(panel)).toEqual([]);
    fireEvent.click(within(panel).getByTestId("hearing-start"));
    fireEvent.click(await screen.findByTestId("hearing-confirm"));
    await waitFor(() => expect(screen.queryByTestId("hearing-panel")).toBeNull());
    expect(backend.commands.start_hearing).toHaveBeenCalledWith(
      "case-0",
      expect.objectContaining({ answer_due: "2026-03-23" }),
    );
  });

  it("asks before a hearing already written is left for the Bescheid", async () => {
    const backend = fakeBackend();
    const detail = myOpenCase();
    detail.actions = { ...detail.actions, hear: true };
    backend.commands.case_detail.mockResolvedValue(detail);
    await renderDesk(backend);
    fireEvent.click(rows()[0]!);
    fireEvent.click(await screen.findByTestId("hearing-open"));
    fireEvent.change(await screen.findByTestId("hearing-intended"), { target: { value: "Ablehnung geplant." } });
    fireEvent.click(screen.getByTestId("letter-open"));
    const dialog = await screen.findByTestId("letter-discard-dialog");
    expect(dialog.textContent).toContain("Angefangene Anhörung verwerfen?");
    expect(screen.getByTestId("hearing-panel")).toBeTruthy();
    fireEvent.click(screen.getByTestId("letter-discard"));
    expect(await screen.findByTestId("letter-panel")).toBeTruthy();
    expect(screen.queryByTestId("hearing-panel")).toBeNull();
  });
});

describe("batch decisions", () => {
  it("are not offered to caseworkers", async () => {
    const backend = fakeBackend();
    await renderDesk(backend);
    expect(screen.queryAllByTestId("row-select")).toHaveLength(0);
    expect(screen.getByTestId("inbox-list").getAttribute("role")).toBe("listbox");
    key("j");
    key(" ");
    expect(screen.queryByTestId("batch-letters")).toBeNull();
  });

  it("let team leads select cases and decide them, with one result per Aktenzeichen", async () => {
    const backend = fakeBackend();
    backend.commands.session.mockResolvedValue(sampleSession({ me: LEAD }));
    backend.commands.decide_many.mockImplementation(async (keys: string[]) =>
      keys.map((caseKey) =>
        caseKey === "case-1"
          ? {
              case_key: caseKey,
              entry: null,
              error: { code: "refused", message: "Der Vorgang ist bereits entschieden" },
            }
          : {
              case_key: caseKey,
              entry: sampleEntry({ case_id: caseKey, aktenzeichen: "32-HU-2026-000000" }),
              error: null,
            },
      ),
    );
    await renderDesk(backend);
    const list = screen.getByTestId("inbox-list");
    expect(list.getAttribute("role")).toBe("grid");
    expect(screen.queryByTestId("batch-letters")).toBeNull();

    // A click on the checkbox selects without opening the case; Space selects the row under the cursor.
    fireEvent.click(checkbox(rows()[0]!));
    expect(checkbox(rows()[0]!).checked).toBe(true);
    expect(screen.queryByTestId("case-view")).toBeNull();
    key("j");
    key("j");
    key(" ");
    expect(checkbox(rows()[1]!).checked).toBe(true);
    expect(screen.getByTestId("batch-count").textContent).toBe("2 Vorgänge ausgewählt");
    expect(await seriousViolations(list)).toEqual([]);

    fireEvent.click(screen.getByTestId("batch-letters"));
    const dialog = await screen.findByTestId("batch-dialog");
    expect(dialog.textContent).toContain("2 Vorgänge");
    expect(dialog.textContent).toContain("32-HU-2026-000001");
    expect(await seriousViolations(dialog)).toEqual([]);
    // Only outcomes that need no reasons per case; the letters carry the lead's name.
    const outcome = within(dialog).getByTestId("batch-outcome") as HTMLSelectElement;
    expect([...outcome.options].map((o) => o.value)).toEqual(["approved", "receipted"]);
    expect(dialog.textContent).toContain("Tom Teamleiter");
    expect(dialog.textContent).not.toContain("ohne Unterschrift");
    fireEvent.change(outcome, { target: { value: "receipted" } });
    fireEvent.click(within(dialog).getByTestId("batch-confirm"));

    const results = await screen.findAllByTestId("batch-result");
    expect(backend.commands.decide_many).toHaveBeenCalledWith(["case-0", "case-1"], "receipted");
    expect(results.map((r) => [r.dataset.aktenzeichen, r.dataset.ok])).toEqual([
      ["32-HU-2026-000000", "true"],
      ["32-HU-2026-000001", "false"],
    ]);
    expect(results[1]!.textContent).toContain("Der Vorgang ist bereits entschieden");
    expect(await seriousViolations(screen.getByTestId("batch-dialog"))).toEqual([]);

    // Only the decided case leaves the selection.
    expect(checkbox(rows()[0]!).checked).toBe(false);
    expect(checkbox(rows()[1]!).checked).toBe(true);
    expect(screen.getByTestId("batch-count").textContent).toBe("1 Vorgang ausgewählt");
    fireEvent.keyDown(screen.getByTestId("batch-dialog"), { key: "Escape" });
    expect(screen.queryByTestId("batch-dialog")).toBeNull();
  }, 15_000);

  it("show a failed call in the dialog and keep the selection", async () => {
    const backend = fakeBackend();
    backend.commands.session.mockResolvedValue(sampleSession({ me: LEAD }));
    backend.commands.decide_many.mockRejectedValue({ code: "not_logged_in", message: "Nicht angemeldet." });
    await renderDesk(backend);
    fireEvent.click(checkbox(rows()[2]!));
    fireEvent.click(screen.getByTestId("batch-letters"));
    fireEvent.click(await screen.findByTestId("batch-confirm"));
    expect((await screen.findByTestId("batch-error")).textContent).toContain("nicht angemeldet");
    expect(checkbox(rows()[2]!).checked).toBe(true);
  });
});

// Tests of the desk as a whole against a fake engine: first page and ready marker,
// keyboard navigation, shortcuts ignored while typing, a click on a row still loading,
// coalesced change events, refusals, the expired session, and the case view warmed
// once out of sight after start.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App } from "../App";
import { BackendContext } from "../backend";
import type { CaseDetail, SyncStatus } from "../generated/bindings";
import { PAGE_SIZE } from "../hooks/useInbox";
import { type FakeBackend, fakeBackend } from "../test/fakeBackend";
import { CASE_ID, ME, sampleDetail, sampleSession } from "../test/fixtures";

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

async function renderDesk(backend = fakeBackend()) {
  const view = render(
    <BackendContext.Provider value={backend}>
      <App />
    </BackendContext.Provider>,
  );
  await waitFor(() => expect(screen.getAllByTestId("inbox-row").length).toBeGreaterThan(0));
  return { backend, view };
}

/** Holds back the rows of every search until the returned function lets them through. */
function holdSearchRows(backend: FakeBackend): () => void {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const answer = backend.commands.inbox.getMockImplementation()!;
  backend.commands.inbox.mockImplementation(async (filter, sort, offset, limit) => {
    if (filter.text) await held;
    return answer(filter, sort, offset, limit);
  });
  return release;
}

const nextFrame = () => act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
const key = (k: string, target: Element = document.body) => fireEvent.keyDown(target, { key: k });

function selectedRow() {
  return document.querySelector('[data-testid=inbox-row][aria-selected="true"]');
}

describe("Desk", () => {
  it("shows the first page, the counts of every view and marks itself ready", async () => {
    const { backend, view } = await renderDesk();
    // The first load, and one re-read once the change feed stands (what it announced
    // before then is lost).
    await waitFor(() => expect(backend.commands.counts).toHaveBeenCalledTimes(2));
    expect(backend.commands.counts.mock.calls[0]![0]).toHaveLength(8);
    expect(screen.getByTestId("inbox-count").textContent).toBe("500");
    expect(within(screen.getByTestId("view-overdue")).getByTestId("view-count").textContent).toBe("3");
    expect(screen.getByTestId("view-all").getAttribute("aria-current")).toBe("page");
    expect(backend.commands.inbox).toHaveBeenCalledWith(expect.anything(), expect.anything(), 0, PAGE_SIZE);
    const first = screen.getAllByTestId("inbox-row")[0]!;
    expect(first.dataset).toMatchObject({
      aktenzeichen: "32-HU-2026-000000",
      caseId: "case-0",
      pending: "0",
      rejected: "0",
    });
    await waitFor(() => expect((view.container.firstElementChild as HTMLElement).dataset.ready).toBe("true"));
  });

  it("renders the first row's case once out of sight after start, and drops it", async () => {
    const backend = { ...fakeBackend(), warmUp: true };
    await renderDesk(backend);
    await waitFor(() => expect(backend.commands.case_detail).toHaveBeenCalledWith("case-0"));
    await waitFor(() => expect(document.querySelector(".case-warmup")).not.toBeNull());
    const warm = document.querySelector(".case-warmup")!;
    expect(warm.getAttribute("aria-hidden")).toBe("true");
    expect(warm.hasAttribute("inert")).toBe(true);
    await waitFor(() => expect(document.querySelector(".case-warmup")).toBeNull());
    // Nothing was opened and focus stayed where it was.
    expect(screen.queryByTestId("case-view")).toBeNull();
    expect(document.activeElement?.id).not.toBe("case-title");
    expect(backend.commands.case_detail).toHaveBeenCalledTimes(1);
    // Once only: opening and closing a case does not warm again.
    fireEvent.click(screen.getAllByTestId("inbox-row")[1]!);
    await screen.findByTestId("case-view");
    key("Escape");
    await nextFrame();
    expect(document.querySelector(".case-warmup")).toBeNull();
    expect(backend.commands.case_detail).toHaveBeenCalledTimes(2);
  });

  it("moves with j/k and arrows and opens with Enter, closes with Esc", async () => {
    const { backend } = await renderDesk();
    key("j");
    expect(selectedRow()?.getAttribute("data-case-id")).toBe("case-0");
    key("j");
    key("ArrowDown");
    key("k");
    expect(selectedRow()?.getAttribute("data-case-id")).toBe("case-1");
    key("Enter");
    await screen.findByTestId("case-view");
    expect(backend.commands.case_detail).toHaveBeenCalledWith("case-1");
    key("Escape");
    expect(screen.queryByTestId("case-view")).toBeNull();
  });

  it("ignores shortcuts while typing in the search box, and searches after a pause", async () => {
    const { backend } = await renderDesk();
    const search = screen.getByTestId("search");
    key("/");
    expect(document.activeElement).toBe(search);
    fireEvent.keyDown(search, { key: "j" });
    fireEvent.keyDown(search, { key: "?" });
    expect(selectedRow()).toBeNull();
    expect(screen.queryByTestId("shortcuts")).toBeNull();
    fireEvent.change(search, { target: { value: "Müller" } });
    await waitFor(() =>
      expect(backend.commands.inbox).toHaveBeenCalledWith(
        expect.objectContaining({ text: "Müller" }),
        { key: "relevance", descending: false },
        0,
        PAGE_SIZE,
      ),
    );
    // Only the list is counted again: the saved views do not depend on the search.
    await waitFor(() =>
      expect(backend.commands.counts).toHaveBeenLastCalledWith([expect.objectContaining({ text: "Müller" })]),
    );
    expect(within(screen.getByTestId("view-overdue")).getByTestId("view-count").textContent).toBe("3");
  });

  it("opens the case that arrives in a row clicked while a new search was loading", async () => {
    const { backend } = await renderDesk();
    const release = holdSearchRows(backend);
    fireEvent.change(screen.getByTestId("search"), { target: { value: "Müller" } });
    const placeholders = await screen.findAllByTestId("inbox-placeholder");
    fireEvent.click(placeholders[2]!);
    expect(screen.queryByTestId("case-view")).toBeNull();
    await act(async () => release());
    await screen.findByTestId("case-view");
    expect(backend.commands.case_detail).toHaveBeenLastCalledWith("case-2");
    expect(selectedRow()?.getAttribute("data-case-id")).toBe("case-2");
  });

  it("forgets a click on a loading row when the search changes again", async () => {
    const { backend } = await renderDesk();
    const release = holdSearchRows(backend);
    const search = screen.getByTestId("search");
    fireEvent.change(search, { target: { value: "Müller" } });
    fireEvent.click((await screen.findAllByTestId("inbox-placeholder"))[2]!);
    fireEvent.change(search, { target: { value: "Müllerstraße" } });
    await waitFor(() =>
      expect(backend.commands.inbox).toHaveBeenCalledWith(
        expect.objectContaining({ text: "Müllerstraße" }),
        expect.anything(),
        0,
        PAGE_SIZE,
      ),
    );
    await act(async () => release());
    await waitFor(() => expect(screen.getAllByTestId("inbox-row").length).toBeGreaterThan(0));
    // Moving through the new list selects rows without opening them.
    key("j");
    expect(selectedRow()?.getAttribute("data-case-id")).toBe("case-0");
    await nextFrame();
    expect(screen.queryByTestId("case-view")).toBeNull();
    expect(backend.commands.case_detail).not.toHaveBeenCalled();
  });

  it("toggles the shortcut overview with ?", async () => {
    await renderDesk();
    key("?");
    const dialog = await screen.findByTestId("shortcuts");
    expect(dialog.textContent).toContain("Nächster Vorgang");
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByTestId("shortcuts")).toBeNull();
  });

  it("reloads the list once for a burst of changes, and the open case when it changed", async () => {
    const { backend } = await renderDesk();
    fireEvent.click(screen.getAllByTestId("inbox-row")[0]!);
    await screen.findByTestId("case-view");
    const counts = backend.commands.counts.mock.calls.length;
    const details = backend.commands.case_detail.mock.calls.length;
    act(() => {
      for (let i = 0; i < 50; i++) backend.emit({ type: "inbox_changed" });
      backend.emit({ type: "case_changed", case_ids: ["other", "case-0"] });
    });
    await nextFrame();
    await waitFor(() => expect(backend.commands.counts).toHaveBeenCalledTimes(counts + 1));
    expect(backend.commands.case_detail).toHaveBeenCalledTimes(details + 1);
  });

  it("shows a refusal as a notice and the status bar from sync events", async () => {
    const { backend } = await renderDesk();
    act(() => {
      backend.emit({
        type: "command_rejected",
        command_id: "c1",
        case_id: CASE_ID,
        aktenzeichen: "32-HU-2026-000123",
        code: "not_assignee",
        message: "Der Vorgang ist Jan Berg zugewiesen, nicht Ihnen",
      });
      backend.emit({
        type: "sync_status",
        connection: { state: "offline", since: "2026-03-05T13:07:00Z", reason: "connection refused" },
        last_sync: null,
        pending: 3,
        rejected: 1,
        cursor: 5,
        revision: 1,
      });
    });
    await nextFrame();
    expect((await screen.findByTestId("notice")).textContent).toContain("Jan Berg");
    const bar = screen.getByTestId("sync-status");
    expect(bar.dataset.connection).toBe("offline");
    expect(bar.textContent).toMatch(/Offline seit \d\d:\d\d/);
    expect(screen.getByTestId("pending-count").textContent).toBe("3");
    fireEvent.click(screen.getByTestId("rejected-count"));
    await waitFor(() => expect(screen.getByTestId("view-problems").getAttribute("aria-current")).toBe("page"));
  });

  it("returns to the login form when the session expires", async () => {
    const { backend } = await renderDesk();
    const expired: SyncStatus = {
      connection: { state: "login_required" },
      last_sync: null,
      pending: 2,
      rejected: 0,
      cursor: 0,
      revision: 1,
    };
    backend.commands.session.mockResolvedValue({
      me: null,
      last_portal: "https://portal.example.de",
      last_user: "mia",
      status: expired,
    });
    act(() => backend.emit({ type: "sync_status", ...expired }));
    await nextFrame();
    expect((await screen.findByTestId("login-error")).textContent).toContain("Ihre Sitzung ist abgelaufen");
    expect((document.getElementById("user") as HTMLInputElement).value).toBe("mia");
  });

  it("keeps the newest status when an announcement and an answer cross", async () => {
    const backend = fakeBackend();
    const session = backend.commands.session.getMockImplementation()!;
    // The app's first request answers at once; the next one (the status read when the
    // change feed stands) was read before the engine announced "online" and arrives
    // after the announcement.
    let answerLate: () => void = () => {};
    backend.commands.session.mockImplementationOnce(session).mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          answerLate = () =>
            resolve(
              sampleSession({
                me: ME,
                status: {
                  connection: { state: "bootstrapping", received: 135, total: 135 },
                  last_sync: null,
                  pending: 0,
                  rejected: 0,
                  cursor: 0,
                  revision: 3,
                },
              }),
            );
        }),
    );
    await renderDesk(backend);
    act(() =>
      backend.emit({
        type: "sync_status",
        connection: { state: "online" },
        last_sync: "2026-03-05T10:00:00Z",
        pending: 0,
        rejected: 0,
        cursor: 7,
        revision: 4,
      }),
    );
    await nextFrame();
    const bar = screen.getByTestId("sync-status");
    await waitFor(() => expect(bar.dataset.connection).toBe("online"));
    await act(async () => answerLate());
    await nextFrame();
    expect(bar.dataset.connection).toBe("online");
  });

  it("accepts and rejects the shown document by keyboard", async () => {
    const backend = fakeBackend();
    const detail: CaseDetail = sampleDetail();
    detail.case.id = "case-0";
    detail.case.assignee = "u-me";
    detail.case.status = "in_review";
    detail.case.documents = [
      { ...detail.case.documents[0]!, id: "d1", media_type: "image/png", file_name: "ausweis.png" },
      { ...detail.case.documents[0]!, id: "d2", media_type: "image/jpeg", file_name: "foto.jpg" },
    ];
    backend.commands.case_detail.mockResolvedValue(detail);
    await renderDesk(backend);
    fireEvent.click(screen.getAllByTestId("inbox-row")[0]!);
    await screen.findByTestId("case-view");
    key("]");
    expect((await screen.findByTestId("image-viewer")).querySelector("img")?.getAttribute("alt")).toBe("ausweis.png");
    key("]");
    await waitFor(() =>
      expect(screen.getByTestId("image-viewer").querySelector("img")?.getAttribute("alt")).toBe("foto.jpg"),
    );
    key("a");
    await waitFor(() =>
      expect(backend.commands.command).toHaveBeenCalledWith("case-0", {
        kind: "review_document",
        payload: { document_id: "d2", verdict: "accepted", reason: null },
      }),
    );
    key("r");
    const reason = await screen.findByTestId("reject-reason");
    expect(document.activeElement).toBe(reason);
    fireEvent.keyDown(reason, { key: "Escape" });
    expect(screen.queryByTestId("reject-reason")).toBeNull();
    expect(screen.getByTestId("image-viewer")).toBeTruthy();
    key("r");
    fireEvent.change(await screen.findByTestId("reject-reason"), { target: { value: "unleserlich" } });
    fireEvent.submit(screen.getByTestId("reject-reason").closest("form")!);
    await waitFor(() =>
      expect(backend.commands.command).toHaveBeenLastCalledWith("case-0", {
        kind: "review_document",
        payload: { document_id: "d2", verdict: "rejected", reason: "unleserlich" },
      }),
    );
  });

  it("logs out keeping the local data, or wiping it after asking", async () => {
    const { backend } = await renderDesk();
    fireEvent.click(screen.getByTestId("logout-wipe"));
    const dialog = await screen.findByTestId("wipe-dialog");
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByTestId("wipe-dialog")).toBeNull();
    expect(backend.commands.logout).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("logout-wipe"));
    fireEvent.click(await screen.findByTestId("wipe-confirm"));
    await waitFor(() => expect(backend.commands.logout).toHaveBeenCalledWith(true));
  });

  it("logs out and shows the prefilled login form", async () => {
    const { backend } = await renderDesk();
    backend.commands.session.mockResolvedValue({
      me: null,
      last_portal: "https://portal.example.de",
      last_user: "mia",
      status: { connection: { state: "idle" }, last_sync: null, pending: 0, rejected: 0, cursor: 0, revision: 0 },
    });
    fireEvent.click(screen.getByTestId("logout"));
    await waitFor(() => expect(document.getElementById("portal")).not.toBeNull());
    expect(backend.commands.logout).toHaveBeenCalledWith(false);
    expect((document.getElementById("portal") as HTMLInputElement).value).toBe("https://portal.example.de");
    expect(screen.queryByTestId("login-error")).toBeNull();
  });
});

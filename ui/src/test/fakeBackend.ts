// A scriptable stand-in for the engine in component tests: every command is a Vitest
// mock with a sensible default answer, and change events can be emitted by hand.
import { vi } from "vitest";
import type { Backend, DeskCommands } from "../backend";
import type { Change, DecisionDraft } from "../generated/bindings";
import { ME, sampleDetail, sampleEntry, sampleLetterText, sampleRow, sampleSession } from "./fixtures";

export interface FakeBackend extends Backend {
  commands: { [K in keyof DeskCommands]: ReturnType<typeof vi.fn<DeskCommands[K]>> & DeskCommands[K] };
  emit(change: Change): void;
}

export function fakeBackend(total = 500): FakeBackend {
  const listeners = new Set<(change: Change) => void>();
  const commands = {
    session: vi.fn(async () => sampleSession({ me: ME, last_portal: "https://portal.example.de", last_user: "mia" })),
    login: vi.fn(async () => ME),
    logout: vi.fn(async () => null),
    services: vi.fn(async () => []),
    staff: vi.fn(async () => []),
    inbox: vi.fn(async (_filter, _sort, offset: number, limit: number) =>
      Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => sampleRow(offset + i)),
    ),
    counts: vi.fn(async (filters: unknown[]) => filters.map((_, i) => (i === 0 ? total : i))),
    case_detail: vi.fn(async (key: string) => {
      const detail = sampleDetail();
      detail.case.id = key;
      return detail;
    }),
    outbox: vi.fn(async () => []),
    command: vi.fn(async () => sampleEntry()),
    retry: vi.fn(async () => sampleEntry()),
    discard: vi.fn(async () => sampleEntry()),
    letter_text: vi.fn(async (_key: string, draft: DecisionDraft) => sampleLetterText(draft.outcome, draft.reasons)),
    letter_preview: vi.fn(async () => btoa("%PDF-1.7 Vorschau")),
    decide: vi.fn(async (key: string, draft: DecisionDraft) =>
      sampleEntry({
        case_id: key,
        commandKind: {
          kind: "record_decision",
          payload: {
            outcome: draft.outcome,
            letter_sha256: "b".repeat(64),
            fee_cents: draft.fee_cents ?? 0,
            reasons: draft.reasons,
            channel: draft.channel ?? "post",
          },
        },
      }),
    ),
    decide_many: vi.fn(async (keys: string[]) =>
      keys.map((key) => ({ case_key: key, entry: sampleEntry({ case_id: key }), error: null })),
    ),
    hearing_preview: vi.fn(async () => btoa("%PDF-1.7 Anhörung")),
    start_hearing: vi.fn(async (key: string) => sampleEntry({ case_id: key, commandKind: { kind: "claim" } })),
    items_request_preview: vi.fn(async () => btoa("%PDF-1.7 Nachforderung")),
    request_items: vi.fn(async (key: string) => sampleEntry({ case_id: key, commandKind: { kind: "claim" } })),
    hearing_letter: vi.fn(async () => btoa("%PDF-1.7 Anhörung")),
    answer_deadline: vi.fn(async (picked: string) => ({ picked, due: picked, note: null })),
    record_dispatch: vi.fn(async (key: string) => sampleEntry({ case_id: key })),
    notice_preview: vi.fn(async () => btoa("%PDF-1.7 Gebührenbescheid")),
    issue_notice: vi.fn(async (key: string) => sampleEntry({ case_id: key })),
    sync_now: vi.fn(async () => null),
  };
  return {
    commands: commands as unknown as FakeBackend["commands"],
    onChange: async (handler) => {
      listeners.add(handler);
      return () => listeners.delete(handler);
    },
    documentUrl: (sha256) => `casedesk-doc://localhost/${sha256}`,
    emit: (change) => listeners.forEach((listener) => listener(change)),
  };
}

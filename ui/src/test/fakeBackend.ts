// A scriptable stand-in for the engine in component tests: every command is a Vitest
// mock with a sensible default answer, and change events can be emitted by hand.
import { vi } from "vitest";
import type { Backend, DeskCommands } from "../backend";
import type { Change } from "../generated/bindings";
import { ME, sampleDetail, sampleEntry, sampleRow, sampleSession } from "./fixtures";

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

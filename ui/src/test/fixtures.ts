// Sample engine data for component and logic tests, shaped like the IPC contract.
import type {
  CaseDetail,
  CaseLaw,
  CommandKind,
  DeliveryView,
  InboxRow,
  OutboxEntry,
  SessionInfo,
  UserInfo,
} from "../generated/bindings";

export const CASE_ID = "0190b6a4-0000-7000-8000-000000000002";

export const ME: UserInfo = {
  id: "u-me",
  name: "mia",
  display_name: "Mia Maier",
  role: "caseworker",
  offices: [{ id: "o1", code: "32", name: "Ordnungsamt" }],
};

export function sampleDetail(): CaseDetail {
  return {
    case: {
      id: CASE_ID,
      aktenzeichen: "32-HU-2026-000123",
      office_id: "o1",
      service_id: "HU",
      status: "submitted",
      assignee: null,
      assignee_name: null,
      priority: "normal",
      version: 1,
      seq: 1,
      received_at: "2026-03-01T09:00:00Z",
      processing_period: "14d",
      pauses: [],
      due_date_override: null,
      due_date: "2026-03-15",
      applicant: {
        citizen_id: "c1",
        given_name: "Erika",
        family_name: "Mustermann",
        street: "Hauptstraße 1",
        postal_code: "12345",
        city: "Musterstadt",
        email: "erika@example.org",
        phone: null,
      },
      consents: { portal_delivery: false },
      form_data: { dog_name: "Bello" },
      documents: [
        {
          id: "d1",
          sha256: "a".repeat(64),
          file_name: "versicherung.pdf",
          media_type: "application/pdf",
          size: 1000,
          kind: "insurance",
          uploaded_at: "2026-03-01T09:00:00Z",
          from_citizen: true,
          review: null,
        },
      ],
      requests: [],
      messages: [],
      notes: [],
      decision: null,
      fee: null,
      history: [
        {
          seq: 1,
          version: 1,
          at: "2026-03-01T09:00:00Z",
          actor: { type: "citizen", citizen_id: "c1", name: "Erika Mustermann" },
          command_id: null,
          event: { type: "submitted", service_id: "HU" },
        },
      ],
    },
    server_version: 1,
    outbox: [],
    service: null,
    // What the engine offers a caseworker on a new, unassigned case.
    actions: {
      claim: true,
      release: false,
      assign: false,
      status_moves: [],
      process: false,
      prepare_decision: true,
      message: false,
      request_items: false,
      hear: false,
      request_moves: [],
      issue_notice: false,
      record_dispatch: [],
    },
    law: sampleLaw(),
    today: "2026-03-05",
    request_candidates: [],
  };
}

/**
 * The law of a service that approves, partly approves or rejects, with a fee for
 * each; the applicant did not consent to portal delivery.
 */
export function sampleLaw(overrides: Partial<CaseLaw> = {}): CaseLaw {
  return {
    remedy: "klage",
    outcomes: [
      { outcome: "approved", needs_reasons: false, fee_cents: 2600 },
      { outcome: "partial", needs_reasons: true, fee_cents: 1300 },
      { outcome: "rejected", needs_reasons: true, fee_cents: 1000 },
    ],
    channels: [
      { channel: "post", allowed: true, reason: null },
      {
        channel: "portal",
        allowed: false,
        reason:
          "Die antragstellende Person hat der Bekanntgabe über das Bürgerportal nicht zugestimmt (§ 41 Abs. 2a VwVfG NRW).",
      },
    ],
    default_channel: "post",
    portal_consent: false,
    default_answer_due: "2026-03-19",
    tax_annual_cents: null,
    deliveries: [],
    ...overrides,
  };
}

/** A decision's delivery by post, announced after posting on 06.03.2026. */
export function announcedByPost(overrides: Partial<DeliveryView> = {}): DeliveryView {
  return {
    notice_id: null,
    kind: null,
    state: "announced",
    remedy: "klage",
    fee_remedy: null,
    retrievable_until: null,
    delivery: {
      channel: "post",
      procedure: "verwaltungsverfahren",
      fee_procedure: null,
      fee_due_after: "2w",
      dispatched_on: "2026-03-06",
      notified_at: null,
      retrieved_at: null,
      lapsed: false,
      dates: {
        announced: "2026-03-10",
        remedy_deadline: "2026-04-10",
        fee_due: "2026-03-24",
        fee_announced: null,
        fee_remedy_deadline: null,
      },
    },
    ...overrides,
  };
}

export function sampleEntry(
  overrides: Partial<Omit<OutboxEntry, "command">> & { commandKind?: CommandKind } = {},
): OutboxEntry {
  const { commandKind = { kind: "claim" }, ...rest } = overrides;
  const commandId = rest.command_id ?? "cmd-1";
  return {
    position: 1,
    command_id: commandId,
    case_id: CASE_ID,
    aktenzeichen: "32-HU-2026-000123",
    command: { command_id: commandId, case_id: CASE_ID, base_version: 1, ...commandKind },
    state: "pending",
    created_at: "2026-03-05T10:00:00Z",
    attempts: 0,
    last_error: null,
    rejection_code: null,
    rejection_message: null,
    ...rest,
  };
}

export function sampleRow(index: number): InboxRow {
  return {
    case_id: `case-${index}`,
    aktenzeichen: `32-HU-2026-${String(index).padStart(6, "0")}`,
    service_id: "HU",
    office_id: "o1",
    status: "submitted",
    assignee: null,
    assignee_name: null,
    priority: "normal",
    received_at: "2026-03-01T09:00:00Z",
    due_date: "2026-03-15",
    applicant_name: `Person ${index}`,
    pending: 0,
    rejected: 0,
    answered: false,
  };
}

/** A Bescheid body in letter markup, as `letter_text` answers: no closing. */
export function sampleLetterText(outcome: string, reasons: string | null = null): string {
  const body = `# Bescheid (${outcome})\n\nIhrem Antrag vom 01.03.2026 wird **stattgegeben**.\n\n| Gebühr | Betrag |\n|---|--:|\n| Hundesteuer | 26,00 € |`;
  return reasons ? `${body}\n\n# Begründung\n\n${reasons}` : body;
}

export function sampleSession(overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    me: null,
    last_portal: null,
    last_user: null,
    status: { connection: { state: "idle" }, last_sync: null, pending: 0, rejected: 0, cursor: 0, revision: 0 },
    ...overrides,
  };
}

// Tests of the batch decision results: per-case outcome and message, and that only
// the decided cases leave the selection.
import { describe, expect, it } from "vitest";
import { sampleEntry } from "../test/fixtures";
import { batchResults, remainingSelection, toggleSelection } from "./batchDecisions";

describe("batch decisions", () => {
  it("toggles cases in and out of the selection", () => {
    let selection = toggleSelection(new Map(), "c1", "32-HU-2026-000001");
    selection = toggleSelection(selection, "c2", "32-HU-2026-000002");
    expect([...selection.keys()]).toEqual(["c1", "c2"]);
    selection = toggleSelection(selection, "c1", "32-HU-2026-000001");
    expect([...selection.keys()]).toEqual(["c2"]);
  });

  it("maps every answer to a result with its Aktenzeichen and message", () => {
    const selection = new Map([
      ["c1", "32-HU-2026-000001"],
      ["c2", "32-HU-2026-000002"],
      ["c3", "32-HU-2026-000003"],
    ]);
    const results = batchResults(
      [
        {
          case_key: "c1",
          entry: sampleEntry({
            case_id: "c1",
            aktenzeichen: "32-HU-2026-000001",
            commandKind: {
              kind: "record_decision",
              payload: { outcome: "receipted", letter_sha256: null, fee_cents: 0, reasons: null, channel: "portal" },
            },
          }),
          error: null,
        },
        {
          case_key: "c2",
          entry: null,
          error: { code: "refused", message: "Der Vorgang ist bereits „Entschieden“" },
        },
        { case_key: "c3", entry: null, error: { code: "letter_template", message: "Brief: template x failed" } },
      ],
      selection,
    );
    expect(results).toEqual([
      { caseId: "c1", aktenzeichen: "32-HU-2026-000001", ok: true, message: null, channel: "portal" },
      {
        caseId: "c2",
        aktenzeichen: "32-HU-2026-000002",
        ok: false,
        message: "Der Vorgang ist bereits „Entschieden“",
        channel: null,
      },
      {
        caseId: "c3",
        aktenzeichen: "32-HU-2026-000003",
        ok: false,
        message: "Die Vorlage des Bescheids ist fehlerhaft. Brief: template x failed",
        channel: null,
      },
    ]);
    expect([...remainingSelection(selection, results).keys()]).toEqual(["c2", "c3"]);
  });

  it("counts an answer without entry as failed even without error, and names unknown cases by key", () => {
    const results = batchResults([{ case_key: "zz", entry: null, error: null }], new Map());
    expect(results[0]).toMatchObject({ aktenzeichen: "zz", ok: false });
    expect(results[0]!.message).toBeTruthy();
  });
});

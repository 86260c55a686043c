// Tests of date formatting and deadline urgency.
import { describe, expect, it } from "vitest";
import {
  daysBetween,
  formatCents,
  formatDate,
  formatDateTime,
  formatDay,
  formatRecent,
  formatTime,
  germanDay,
  localToday,
  urgency,
} from "./dates";

describe("formatting", () => {
  it("formats calendar days without time zone shifts", () => {
    expect(formatDate("2026-03-05")).toBe("05.03.2026");
    expect(formatDate(null)).toBe("—");
  });

  it("formats instants in German notation", () => {
    expect(formatDateTime("2026-03-05T13:07:00Z", "Europe/Berlin")).toBe("05.03.2026, 14:07");
    expect(formatTime("2026-07-01T08:05:00Z", "Europe/Berlin")).toBe("10:05");
    // Just before midnight UTC is already the next day in Berlin.
    expect(formatDay("2026-03-05T23:30:00Z", "Europe/Berlin")).toBe("06.03.2026");
  });

  it("shows only the time for an instant of today", () => {
    const now = new Date("2026-03-05T18:00:00Z");
    expect(formatRecent("2026-03-05T13:07:00Z", now, "Europe/Berlin")).toBe("14:07");
    expect(formatRecent("2026-03-04T13:07:00Z", now, "Europe/Berlin")).toBe("04.03.2026, 14:07");
  });

  it("formats euro amounts", () => {
    expect(formatCents(123450).replace(/\s/g, " ")).toBe("1.234,50 €");
  });

  it("takes the German day of an instant, whatever the machine's time zone", () => {
    // 23:30 UTC is already the next day in Berlin, in winter and (22:30 UTC) in summer.
    expect(germanDay("2026-03-05T23:30:00Z")).toBe("2026-03-06");
    expect(germanDay("2026-07-01T22:30:00Z")).toBe("2026-07-02");
    expect(germanDay("2026-07-01T21:59:00Z")).toBe("2026-07-01");
    expect(germanDay("")).toBe("");
  });

  it("knows today's local date", () => {
    expect(localToday(new Date(2026, 0, 9, 23, 59))).toBe("2026-01-09");
  });
});

describe("urgency", () => {
  const today = "2026-03-10";

  it("counts days across month ends", () => {
    expect(daysBetween("2026-02-27", "2026-03-02")).toBe(3);
    expect(daysBetween(today, "2026-03-08")).toBe(-2);
  });

  it("marks overdue dates red with text and icon", () => {
    const u = urgency("2026-03-09", today);
    expect(u).toMatchObject({ level: "overdue", daysLeft: -1, text: "seit 1 Tag überfällig" });
    expect(u.icon).not.toBe("");
  });

  it("marks dates within three days orange", () => {
    expect(urgency(today, today)).toMatchObject({ level: "soon", text: "heute fällig" });
    expect(urgency("2026-03-11", today)).toMatchObject({ level: "soon", text: "morgen fällig" });
    expect(urgency("2026-03-13", today)).toMatchObject({ level: "soon", text: "fällig in 3 Tagen" });
  });

  it("marks dates within a week amber and later ones not at all", () => {
    expect(urgency("2026-03-14", today).level).toBe("week");
    expect(urgency("2026-03-17", today).level).toBe("week");
    expect(urgency("2026-03-18", today)).toMatchObject({ level: "normal", icon: "" });
  });

  it("gives closed cases no urgency", () => {
    expect(urgency("2026-01-01", today, false).level).toBe("none");
  });
});

// Tests of the PDF viewer's two sources with a stand-in for pdf.js: bytes at hand (a
// letter preview) are copied before pdf.js takes them over, new bytes keep the page,
// and documents still load from their URL with the protocol's error messages.
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PdfViewer } from "./PdfViewer";

/** A stand-in document whose page count is the first byte of its data. */
function fakePdf(numPages: number) {
  return {
    numPages,
    getPage: vi.fn(async () => ({
      getViewport: ({ scale }: { scale: number }) => ({
        width: 600 * scale,
        height: 800 * scale,
        scale,
        convertToViewportRectangle: (rect: number[]) => rect,
      }),
      render: () => ({ promise: Promise.resolve(), cancel() {} }),
    })),
    destroy: vi.fn(async () => {}),
  };
}

const openPdf = vi.fn(async (buffer: ArrayBuffer) => fakePdf(new Uint8Array(buffer)[0] ?? 1));

vi.mock("../lib/pdfEngine", () => ({
  openPdf: (buffer: ArrayBuffer) => openPdf(buffer),
  pageText: async () => [],
}));

afterEach(() => {
  vi.unstubAllGlobals();
});

const viewer = () => screen.getByTestId("pdf-viewer");

describe("PdfViewer", () => {
  it("shows bytes at hand without handing the caller's buffer to pdf.js", async () => {
    const data = new Uint8Array([2, 37, 80, 68, 70]);
    const onRendered = vi.fn();
    render(<PdfViewer data={data} fileName="Vorschau" onRendered={onRendered} />);
    await waitFor(() => expect(onRendered).toHaveBeenCalledWith(2, data));
    const given = openPdf.mock.calls[0]![0];
    expect(given).not.toBe(data.buffer);
    expect([...new Uint8Array(given)]).toEqual([...data]);
    expect(data.byteLength).toBe(5);
    expect(viewer().dataset.pages).toBe("2");
  });

  it("keeps the page for new bytes of the same letter, within its new length", async () => {
    const { rerender } = render(<PdfViewer data={new Uint8Array([3])} fileName="Vorschau" />);
    await waitFor(() => expect(viewer().dataset.pages).toBe("3"));
    fireEvent.click(screen.getByLabelText("Nächste Seite"));
    fireEvent.click(screen.getByLabelText("Nächste Seite"));
    await waitFor(() => expect(viewer().dataset.page).toBe("3"));

    rerender(<PdfViewer data={new Uint8Array([4])} fileName="Vorschau" />);
    await waitFor(() => expect(viewer().dataset.pages).toBe("4"));
    expect(viewer().dataset.page).toBe("3");

    rerender(<PdfViewer data={new Uint8Array([2])} fileName="Vorschau" />);
    await waitFor(() => expect(viewer().dataset.page).toBe("2"));
    expect(viewer().dataset.pages).toBe("2");
  });

  it("still fetches documents from their URL and explains the protocol's errors", async () => {
    const fetch = vi.fn(async (url: string) =>
      url.endsWith("missing")
        ? new Response(null, { status: 503 })
        : new Response(new Uint8Array([1, 2, 3]), { status: 200 }),
    );
    vi.stubGlobal("fetch", fetch);
    const { rerender } = render(<PdfViewer url="casedesk-doc://localhost/abc" fileName="antrag.pdf" />);
    await waitFor(() => expect(viewer().dataset.pages).toBe("1"));
    expect(fetch).toHaveBeenCalledWith("casedesk-doc://localhost/abc");

    rerender(<PdfViewer url="casedesk-doc://localhost/missing" fileName="fehlt.pdf" />);
    await act(async () => {});
    expect((await screen.findByRole("alert")).textContent).toContain("noch nicht auf diesem Rechner");
    expect(viewer().dataset.pages).toBeUndefined();
  });
});

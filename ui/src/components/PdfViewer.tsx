// Shows a PDF with pdf.js: one page at a time on a canvas, page navigation, zoom, and
// a text search whose hits are highlighted on the page ("Treffer x von y"). Shows a
// document fetched from its URL, or bytes at hand (a letter preview); new bytes keep
// the page, the zoom and the old picture until the new one is drawn.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type PositionedItem, type SearchHit, findHits, partRect } from "../lib/pdfSearch";
import type { PDFDocumentProxy, PDFPageProxy, PageViewport, RenderTask } from "../lib/pdfEngine";
import "../styles/viewer.css";
import "./PdfViewer.css";

/** Where the PDF comes from: a URL to fetch (documents) or its bytes (previews). */
export type PdfSource = { url: string; data?: undefined } | { data: Uint8Array; url?: undefined };

type Props = PdfSource & {
  fileName: string;
  /**
   * Called whenever a page has been drawn, with the document's page count and, for
   * bytes, which bytes were drawn (an older document may finish drawing late).
   */
  onRendered?(pages: number, data: Uint8Array | undefined): void;
};

const ZOOM_STEP = 1.25;
const MIN_SCALE = 0.25;
const MAX_SCALE = 5;

type Load =
  | { state: "loading" }
  | { state: "failed"; message: string }
  | { state: "ready"; pdf: PDFDocumentProxy; data: Uint8Array | undefined };

/** What the `casedesk-doc` protocol's status codes mean for the caseworker. */
const DOCUMENT_ERRORS: Record<number, string> = {
  404: "Das Dokument ist auf dem Portal nicht vorhanden.",
  502: "Das Dokument kam beschädigt an und wurde verworfen. Bitte erneut öffnen.",
  503: "Das Dokument ist noch nicht auf diesem Rechner, und das Portal ist gerade nicht erreichbar. Bitte erneut öffnen, sobald die Verbindung wieder steht.",
};

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      DOCUMENT_ERRORS[response.status] ?? `Das Dokument konnte nicht geladen werden (${response.status}).`,
    );
  }
  return response.arrayBuffer();
}

export function PdfViewer({ url, data, fileName, onRendered }: Props) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [pageNumber, setPageNumber] = useState(1);
  // null: fit the page to the width of the viewer.
  const [zoom, setZoom] = useState<number | null>(null);
  const [rendered, setRendered] = useState<{ page: number; viewport: PageViewport } | null>(null);
  const [query, setQuery] = useState("");
  const [texts, setTexts] = useState<PositionedItem[][] | null>(null);
  const [hitIndex, setHitIndex] = useState(0);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const renderTask = useRef<RenderTask | null>(null);
  const onRenderedRef = useRef(onRendered);
  onRenderedRef.current = onRendered;

  useEffect(() => {
    let cancelled = false;
    let opened: PDFDocumentProxy | null = null;
    if (data === undefined) {
      setLoad({ state: "loading" });
      setPageNumber(1);
      setRendered(null);
    }
    setTexts(null);
    setHitIndex(0);
    // pdf.js takes over the buffer it is given; the caller's bytes stay intact.
    const bytes = data !== undefined ? Promise.resolve(data.slice().buffer) : fetchBytes(url);
    Promise.all([import("../lib/pdfEngine"), bytes])
      .then(([engine, buffer]) => engine.openPdf(buffer))
      .then(
        (pdf) => {
          opened = pdf;
          if (cancelled) {
            void pdf.destroy();
            return;
          }
          if (data !== undefined) setPageNumber((page) => Math.min(page, pdf.numPages));
          setLoad({ state: "ready", pdf, data });
        },
        (error: unknown) => {
          if (!cancelled) {
            const message = error instanceof Error ? error.message : String(error);
            setLoad({ state: "failed", message: message || "Das PDF kann nicht angezeigt werden." });
          }
        },
      );
    return () => {
      cancelled = true;
      renderTask.current?.cancel();
      void opened?.destroy();
    };
  }, [url, data]);

  const pdf = load.state === "ready" ? load.pdf : null;
  const shownData = load.state === "ready" ? load.data : undefined;
  const pages = pdf?.numPages ?? 0;

  // Render the current page whenever page or zoom change.
  useEffect(() => {
    if (!pdf) return;
    let cancelled = false;
    pdf.getPage(pageNumber).then(
      async (page: PDFPageProxy) => {
        if (cancelled || !canvasRef.current) return;
        const natural = page.getViewport({ scale: 1 });
        const width = (frameRef.current?.clientWidth ?? 800) - 32;
        const scale = zoom ?? Math.min(MAX_SCALE, Math.max(MIN_SCALE, width / natural.width));
        const viewport = page.getViewport({ scale });
        const ratio = window.devicePixelRatio || 1;
        const canvas = canvasRef.current;
        renderTask.current?.cancel();
        canvas.width = Math.floor(viewport.width * ratio);
        canvas.height = Math.floor(viewport.height * ratio);
        canvas.style.width = `${Math.floor(viewport.width)}px`;
        canvas.style.height = `${Math.floor(viewport.height)}px`;
        const task = page.render({
          canvas,
          viewport,
          transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
        });
        renderTask.current = task;
        try {
          await task.promise;
          if (!cancelled) {
            setRendered({ page: pageNumber, viewport });
            onRenderedRef.current?.(pdf.numPages, shownData);
          }
        } catch {
          // Cancelled by a newer render.
        }
      },
      () => {
        // The document was closed meanwhile; nothing to render.
      },
    );
    return () => {
      cancelled = true;
    };
  }, [pdf, shownData, pageNumber, zoom]);

  // Extract the text of every page once, when the first search starts.
  useEffect(() => {
    if (!pdf || texts || !query.trim()) return;
    let cancelled = false;
    const all = import("../lib/pdfEngine").then((engine) =>
      Promise.all(Array.from({ length: pdf.numPages }, (_, i) => pdf.getPage(i + 1).then(engine.pageText))),
    );
    all.then(
      (extracted) => !cancelled && setTexts(extracted),
      () => !cancelled && setTexts([]),
    );
    return () => {
      cancelled = true;
    };
  }, [pdf, texts, query]);

  const hits: SearchHit[] = useMemo(() => (texts ? findHits(texts, query) : []), [texts, query]);

  const goToHit = useCallback(
    (index: number) => {
      if (hits.length === 0) return;
      const wrapped = (index + hits.length) % hits.length;
      setHitIndex(wrapped);
      setPageNumber(hits[wrapped]!.page);
    },
    [hits],
  );

  // A new query jumps to its first hit.
  useEffect(() => {
    setHitIndex(0);
    if (hits[0]) setPageNumber(hits[0].page);
  }, [hits]);

  const highlights =
    rendered && texts
      ? hits.flatMap((hit, index) =>
          hit.page !== rendered.page
            ? []
            : hit.parts.map((part, p) => {
                const item = texts[hit.page - 1]?.[part.item];
                if (!item) return null;
                const [x1, y1, x2, y2] = rendered.viewport.convertToViewportRectangle(partRect(item, part));
                return (
                  <span
                    key={`${index}-${p}`}
                    className={`pdf-hit${index === hitIndex ? " current" : ""}`}
                    style={{
                      left: Math.min(x1, x2),
                      top: Math.min(y1, y2),
                      width: Math.abs(x2 - x1),
                      height: Math.abs(y2 - y1),
                    }}
                  />
                );
              }),
        )
      : [];

  const setPage = (n: number) => setPageNumber(Math.min(Math.max(1, n), Math.max(1, pages)));
  const currentScale = rendered?.viewport.scale ?? 1;
  const zoomTo = (scale: number) => setZoom(Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale)));

  return (
    <div
      className="pdf-viewer"
      data-testid="pdf-viewer"
      data-page={rendered ? rendered.page : undefined}
      data-pages={rendered ? pages : undefined}
    >
      <div className="viewer-toolbar" role="toolbar" aria-label="PDF-Ansicht">
        <button
          type="button"
          onClick={() => setPage(pageNumber - 1)}
          disabled={pageNumber <= 1}
          aria-label="Vorherige Seite"
        >
          <span aria-hidden="true">‹</span>
        </button>
        <label className="page-input">
          <span className="sr-only">Seite</span>
          <input
            type="number"
            min={1}
            max={pages || 1}
            value={pageNumber}
            onChange={(e) => setPage(Number(e.target.value))}
            data-testid="pdf-page"
          />
        </label>
        <span aria-live="polite">von {pages || "…"}</span>
        <button
          type="button"
          onClick={() => setPage(pageNumber + 1)}
          disabled={pageNumber >= pages}
          aria-label="Nächste Seite"
        >
          <span aria-hidden="true">›</span>
        </button>
        <span className="toolbar-gap" />
        <button type="button" onClick={() => zoomTo(currentScale / ZOOM_STEP)} aria-label="Verkleinern">
          <span aria-hidden="true">−</span>
        </button>
        <span className="zoom-level">{Math.round(currentScale * 100)} %</span>
        <button type="button" onClick={() => zoomTo(currentScale * ZOOM_STEP)} aria-label="Vergrößern">
          <span aria-hidden="true">+</span>
        </button>
        <button type="button" onClick={() => setZoom(null)} aria-pressed={zoom === null}>
          Breite
        </button>
        <span className="toolbar-gap" />
        <label className="pdf-search">
          <span className="sr-only">Im Dokument suchen</span>
          <input
            type="search"
            data-testid="pdf-search"
            placeholder="Im Dokument suchen"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                goToHit(hitIndex + (e.shiftKey ? -1 : 1));
              } else if (e.key === "Escape") {
                e.preventDefault();
                if (query) setQuery("");
                else e.currentTarget.blur();
              }
            }}
          />
        </label>
        <span className="pdf-hits" data-testid="pdf-hits" aria-live="polite">
          {query.trim() === ""
            ? ""
            : !texts
              ? "Suche …"
              : hits.length === 0
                ? "Keine Treffer"
                : `Treffer ${hitIndex + 1} von ${hits.length}`}
        </span>
        <button
          type="button"
          onClick={() => goToHit(hitIndex - 1)}
          disabled={hits.length === 0}
          aria-label="Vorheriger Treffer"
        >
          <span aria-hidden="true">▲</span>
        </button>
        <button
          type="button"
          onClick={() => goToHit(hitIndex + 1)}
          disabled={hits.length === 0}
          aria-label="Nächster Treffer"
        >
          <span aria-hidden="true">▼</span>
        </button>
      </div>
      <div
        className="viewer-frame"
        ref={frameRef}
        tabIndex={0}
        aria-label={`Seite ${pageNumber} von ${fileName}`}
        role="region"
      >
        {load.state === "loading" && <p className="viewer-message">Dokument wird geladen …</p>}
        {load.state === "failed" && (
          <p className="viewer-message error" role="alert">
            {load.message}
          </p>
        )}
        <div className="pdf-page" hidden={load.state !== "ready"}>
          <canvas ref={canvasRef} />
          <div className="pdf-highlights" aria-hidden="true">
            {highlights}
          </div>
        </div>
      </div>
    </div>
  );
}

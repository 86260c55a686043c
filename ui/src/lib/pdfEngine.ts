// pdf.js set up for the webview's strict CSP: the worker ships with the app (no CDN),
// no eval, no WebAssembly, no fetches from the worker. Imported lazily, so the inbox
// starts without loading pdf.js.
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy, type PDFPageProxy } from "pdfjs-dist";
import type { TextItem, TextMarkedContent } from "pdfjs-dist/types/src/display/api";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";

GlobalWorkerOptions.workerSrc = workerUrl;

export type { PDFDocumentProxy, PDFPageProxy, PageViewport, RenderTask } from "pdfjs-dist";
export type { TextItem };

/** Opens a PDF from its bytes. */
export function openPdf(bytes: ArrayBuffer): Promise<PDFDocumentProxy> {
  return getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useWasm: false,
    useWorkerFetch: false,
    useSystemFonts: true,
    enableXfa: false,
  }).promise;
}

/**
 * The text items of a page. Reads pdf.js's text stream by hand: `getTextContent`
 * iterates the stream with `for await`, which WebKitGTK's ReadableStream lacks.
 */
export async function pageText(page: PDFPageProxy): Promise<TextItem[]> {
  const reader = page.streamTextContent().getReader();
  const items: TextItem[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return items;
    for (const item of (value as { items: (TextItem | TextMarkedContent)[] }).items) {
      if ("str" in item) items.push(item);
    }
  }
}

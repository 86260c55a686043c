// pdf.js set up for the webview's strict CSP: the worker ships with the app (no CDN),
// no eval, no WebAssembly, no fetches from the worker. Imported lazily, so the inbox
// starts without loading pdf.js.
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";

GlobalWorkerOptions.workerSrc = workerUrl;

export type { PDFDocumentProxy, PDFPageProxy, PageViewport, RenderTask } from "pdfjs-dist";
export type { TextItem } from "pdfjs-dist/types/src/display/api";

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

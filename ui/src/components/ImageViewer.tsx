// Shows an image document with zoom and rotation.
import { useEffect, useState } from "react";
import "../styles/viewer.css";
import "./ImageViewer.css";

interface Props {
  url: string;
  fileName: string;
}

const STEP = 1.25;

export function ImageViewer({ url, fileName }: Props) {
  const [scale, setScale] = useState(1);
  const [rotation, setRotation] = useState(0);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    setScale(1);
    setRotation(0);
    setFailed(false);
  }, [url]);

  return (
    <div className="image-viewer" data-testid="image-viewer" data-scale={scale} data-rotation={rotation}>
      <div className="viewer-toolbar" role="toolbar" aria-label="Bildansicht">
        <button type="button" onClick={() => setScale((s) => Math.max(0.1, s / STEP))} aria-label="Verkleinern">
          <span aria-hidden="true">−</span>
        </button>
        <span className="zoom-level">{Math.round(scale * 100)} %</span>
        <button type="button" onClick={() => setScale((s) => Math.min(8, s * STEP))} aria-label="Vergrößern">
          <span aria-hidden="true">+</span>
        </button>
        <button type="button" onClick={() => setScale(1)}>
          100 %
        </button>
        <button type="button" onClick={() => setRotation((r) => (r + 270) % 360)} aria-label="Nach links drehen">
          <span aria-hidden="true">⟲</span>
        </button>
        <button type="button" onClick={() => setRotation((r) => (r + 90) % 360)} aria-label="Nach rechts drehen">
          <span aria-hidden="true">⟳</span>
        </button>
      </div>
      <div className="viewer-frame image-frame" tabIndex={0} role="region" aria-label={`Bild ${fileName}`}>
        {failed ? (
          <p className="viewer-message error" role="alert">
            Das Bild kann nicht angezeigt werden. Es ist vielleicht noch nicht geladen.
          </p>
        ) : (
          <img
            src={url}
            alt={fileName}
            draggable={false}
            onError={() => setFailed(true)}
            style={{ transform: `rotate(${rotation}deg) scale(${scale})` }}
          />
        )}
      </div>
    </div>
  );
}

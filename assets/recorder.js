// Hold-to-talk recording for the practice room. The page calls start() when the record button
// is pressed and stop() when it is released; stop() resolves to {audio: base64, mime, ms} or
// {error: code}, which Reflex passes to the state's handler. Limits match the server's.
window.aespRecorder = (function () {
  const MAX_MS = 60000;
  const MAX_BYTES = 5 * 1024 * 1024;
  let recorder = null;
  let stream = null;
  let chunks = [];
  let startedAt = 0;
  let timer = null;
  let pendingStop = null;

  function pickMime() {
    const types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
    for (const t of types) {
      if (window.MediaRecorder && MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(t)) return t;
    }
    return "";
  }

  function toBase64(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  async function start() {
    if (recorder) return { ok: true };
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      return { error: "unsupported" };
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      const name = (e && e.name) || "";
      return { error: name === "NotAllowedError" || name === "SecurityError" ? "denied" : "no_microphone" };
    }
    chunks = [];
    const mime = pickMime();
    recorder = mime ? new MediaRecorder(stream, { mimeType: mime }) : new MediaRecorder(stream);
    recorder.ondataavailable = (e) => { if (e.data && e.data.size) chunks.push(e.data); };
    recorder.start(250);
    startedAt = Date.now();
    // Never record past the limit, even if the button is never released.
    timer = setTimeout(() => { stop(); }, MAX_MS);
    return { ok: true };
  }

  function stop() {
    if (pendingStop) return pendingStop;
    if (!recorder) return Promise.resolve({ idle: true });
    clearTimeout(timer);
    const active = recorder;
    pendingStop = new Promise((resolve) => {
      active.onstop = async () => {
        if (stream) stream.getTracks().forEach((t) => t.stop());
        const blob = new Blob(chunks, { type: active.mimeType || "audio/webm" });
        const ms = Date.now() - startedAt;
        recorder = null; stream = null; chunks = []; pendingStop = null;
        if (blob.size > MAX_BYTES) { resolve({ error: "too_large" }); return; }
        if (ms < 300 || blob.size === 0) { resolve({ error: "too_short" }); return; }
        resolve({ audio: await toBase64(blob), mime: blob.type, ms: ms });
      };
      active.stop();
    });
    return pendingStop;
  }

  function isRecording() { return !!recorder; }

  return { start: start, stop: stop, isRecording: isRecording };
})();

// Phones: a hold-to-talk button gets touch events, which React components here do not expose;
// turn them into the mouse events the button listens to (and keep the page from scrolling).
(function () {
  function relay(type) {
    return function (e) {
      const button = e.target.closest && e.target.closest(".hold-to-talk");
      if (!button || button.disabled) return;
      e.preventDefault();
      button.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true }));
    };
  }
  document.addEventListener("touchstart", relay("mousedown"), { passive: false });
  document.addEventListener("touchend", relay("mouseup"), { passive: false });
  document.addEventListener("touchcancel", relay("mouseup"), { passive: false });
})();

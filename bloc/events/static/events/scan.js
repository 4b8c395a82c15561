// Scan mode for hosts. The form works on its own (a scanner or a person types the code and
// Enter); this file only adds: an empty, focused field after each HTMX check-in, and camera
// scanning where the browser has the BarcodeDetector API. Loaded from our origin: no inline code.
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form) { return; }
  var input = form.querySelector("input[name=code]");
  var stream = null;

  function ready() {
    if (!input) { return; }
    input.value = "";
    // While the camera scans, focusing the field would open the phone's keyboard over it.
    if (!stream) { input.focus(); }
  }

  // After HTMX swaps in the outcome, the field is ready for the next scan.
  form.addEventListener("htmx:afterRequest", ready);

  var startButton = document.getElementById("scan-camera-start");
  var panel = document.getElementById("scan-camera");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-camera-status");
  if (!startButton || !panel || !video || !input) { return; }
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    return; // No camera scanning here: the typed field and hardware scanners still work.
  }

  var detector = null;
  var timer = null;
  var lastValue = "";
  var lastAt = 0;
  var REPEAT_MS = 4000; // the same code held in front of the camera is submitted once

  function stop() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.srcObject = null;
    panel.hidden = true;
    startButton.hidden = false;
  }

  function submit(value) {
    input.value = value;
    if (navigator.vibrate) { navigator.vibrate(80); }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(); // fires "submit", so HTMX posts it without leaving the page
    } else {
      form.submit();
    }
  }

  function tick() {
    timer = null;
    if (!stream) { return; }
    detector.detect(video).then(function (codes) {
      var now = Date.now();
      if (codes.length) {
        var value = (codes[0].rawValue || "").trim();
        if (value && (value !== lastValue || now - lastAt > REPEAT_MS)) {
          lastValue = value;
          lastAt = now;
          submit(value);
        }
      }
    }).catch(function () { /* a frame that could not be read: try the next one */ })
      .then(function () { if (stream) { timer = window.setTimeout(tick, 250); } });
  }

  function start() {
    startButton.hidden = true;
    panel.hidden = false;
    status.textContent = "Asking for the camera…";
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        return video.play();
      })
      .then(function () {
        status.textContent = "Point the camera at the QR code in the person's confirmation.";
        tick();
      })
      .catch(function () {
        stop();
        status.textContent = "";
        startButton.hidden = true;
        var note = document.createElement("p");
        note.className = "help";
        note.textContent = "The camera is not available (permission refused or no camera). " +
          "Type the code, or use a barcode scanner.";
        form.appendChild(note);
      });
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) { return; }
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    startButton.hidden = false;
    startButton.addEventListener("click", start);
    document.getElementById("scan-camera-stop").addEventListener("click", function () {
      stop();
      ready();
    });
    // A phone put away or a tab switched: release the camera.
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && stream) { stop(); }
    });
  }).catch(function () { /* no detector: the field still works */ });
})();

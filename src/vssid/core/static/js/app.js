// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // The error summary takes focus, so screen readers announce it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();

  // Connection lost mid-step. The server keeps every step it has accepted; what is still only on
  // the page must not be lost either. (1) A submit while the phone is offline is held back: the
  // inputs stay as they are and a message says to press again. (2) Typed text is mirrored into
  // sessionStorage under the page's path and put back into empty fields on reload (after the
  // offline page's "Thử lại", say). sessionStorage, not localStorage: it belongs to this tab only
  // and the browser drops it when the tab closes, so a shared or borrowed phone does not keep a
  // stranger's name and numbers. Never files, never passwords, never hidden fields.
  var OFFLINE_MESSAGE = document.documentElement.lang === "en"
    ? "The connection is lost. What you have just typed is still on the page; press the button again when you are back online."
    : "Mất kết nối mạng. Thông tin bạn vừa nhập vẫn còn trên trang; hãy bấm lại khi có mạng.";
  var DRAFT_KEY = "vssid-draft:" + window.location.pathname;
  var PENDING_KEY = "vssid-draft-pending";
  var store = null;
  try { store = window.sessionStorage; store.getItem(DRAFT_KEY); } catch (e) { store = null; }
  var draftable = function (field) {
    if (field.disabled || field.readOnly || !field.name || field.name === "csrfmiddlewaretoken") return false;
    if (field.tagName === "TEXTAREA") return true;
    if (field.tagName !== "INPUT") return false;
    return ["text", "email", "tel", "number", "search", "url"].indexOf((field.type || "text").toLowerCase()) !== -1;
  };
  var mainForms = Array.prototype.slice.call(document.querySelectorAll("main form"));
  if (store) {
    // A submit that was followed by another page went through: its copy is no longer needed.
    var pending = store.getItem(PENDING_KEY);
    if (pending && pending !== DRAFT_KEY) store.removeItem(pending);
    store.removeItem(PENDING_KEY);
    var draft = {};
    try { draft = JSON.parse(store.getItem(DRAFT_KEY) || "{}") || {}; } catch (e) { draft = {}; }
    mainForms.forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (draftable(field) && field.value === "" && typeof draft[field.name] === "string") field.value = draft[field.name];
      });
      form.addEventListener("input", function (event) {
        if (!draftable(event.target)) return;
        draft[event.target.name] = event.target.value;
        try { store.setItem(DRAFT_KEY, JSON.stringify(draft)); } catch (e) { /* full or refused: no copy */ }
      });
    });
  }
  // One polite live region per form, present (empty) from the start so that filling it is announced.
  mainForms.forEach(function (form) {
    var region = document.createElement("div");
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("data-offline-status", "");
    var buttons = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
    var last = buttons[buttons.length - 1];
    if (last) last.parentNode.insertBefore(region, last); else form.appendChild(region);
  });
  // Capture phase: runs before the forms' own handlers, and stops them while offline.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (navigator.onLine === false) {
      event.preventDefault();
      event.stopImmediatePropagation();
      var region = form.querySelector("[data-offline-status]") || document.querySelector("[data-offline-status]");
      if (region) {
        region.className = "notification";
        region.innerHTML = "";
        var text = document.createElement("p");
        text.textContent = OFFLINE_MESSAGE;
        region.appendChild(text);
      }
      return;
    }
    if (store && form.closest("main")) {
      try { store.setItem(PENDING_KEY, DRAFT_KEY); } catch (e) { /* nothing to clear later */ }
    }
  }, true);
  window.addEventListener("online", function () {
    document.querySelectorAll("[data-offline-status]").forEach(function (region) {
      region.className = "";
      region.innerHTML = "";
    });
  });

  // Installable: the service worker keeps the layout and an offline page (see /sw.js).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* the site works without it */ });
    });
  }

  // A second click on a submit button while the first request is on its way does nothing.
  // (The server is idempotent anyway; this spares the citizen a confusing second wait.)
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting === "1") { event.preventDefault(); return; }
      if (form.hasAttribute("data-photo-form") && form.dataset.ready !== "1") return;
      form.dataset.submitting = "1";
      setTimeout(function () { form.dataset.submitting = "0"; }, 8000);
    });
  });

  // Office step: offer "use my location" only where the browser can tell it.
  var locate = document.querySelector("[data-locate]");
  if (locate && navigator.geolocation) {
    document.querySelector("[data-locate-wrapper]").hidden = false;
    locate.addEventListener("click", function (event) {
      event.preventDefault();
      var status = document.querySelector("[data-locate-status]");
      status.textContent = locate.dataset.waiting || "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = locate.form;
        form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(5);
        form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(5);
        var action = document.createElement("input");
        action.type = "hidden"; action.name = "action"; action.value = "locate";
        form.appendChild(action);
        form.submit();
      }, function () {
        status.textContent = locate.dataset.denied || "";
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  // Photo step: shrink each photo to 1600 px on the phone before it travels over the mobile network.
  var photoForm = document.querySelector("[data-photo-form]");
  var LONG_SIDE = 1600;
  function downscale(file) {
    return new Promise(function (resolve) {
      if (!window.createImageBitmap || !window.DataTransfer || !/^image\/(jpeg|png|webp)$/.test(file.type)) {
        resolve(file); return;  // HEIC and old browsers: the server takes the original
      }
      createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
        var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.size < 2000000) { resolve(file); return; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.9);
      }).catch(function () { resolve(file); });
    });
  }
  if (photoForm) {
    photoForm.addEventListener("submit", function (event) {
      if (photoForm.dataset.ready === "1") return;
      event.preventDefault();
      var inputs = Array.prototype.slice.call(photoForm.querySelectorAll("input[type=file]"));
      Promise.all(inputs.map(function (input) {
        if (!input.files.length) return null;
        return downscale(input.files[0]).then(function (smaller) {
          var transfer = new DataTransfer();
          transfer.items.add(smaller);
          input.files = transfer.files;
        });
      })).then(function () {
        photoForm.dataset.ready = "1";
        photoForm.dataset.submitting = "1";
        photoForm.submit();
      });
    });
  }

  // Card scanning: live from the camera where the browser allows it. The phone's own detector
  // (BarcodeDetector) reads the code locally; elsewhere a frame goes to the server about once a
  // second. Without a camera or JavaScript, the photo upload below does the same job.
  var camera = document.querySelector("[data-camera]");
  var scanForm = document.querySelector("[data-scan-form]");
  if (camera && scanForm && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    camera.hidden = false;
    var video = camera.querySelector("[data-camera-video]");
    var cameraStatus = camera.querySelector("[data-camera-status]");
    var done = false;
    var submitText = function (text) {
      done = true;
      scanForm.querySelector("[data-scan-text]").value = text;
      scanForm.dataset.submitting = "1";
      scanForm.submit();
    };
    var sendFrame = function () {
      if (done) return;
      var canvas = document.createElement("canvas");
      var scale = Math.min(1, 1600 / Math.max(video.videoWidth || 1, video.videoHeight || 1));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob || done) { setTimeout(sendFrame, 1000); return; }
        var data = new FormData();
        data.append("csrfmiddlewaretoken", scanForm.querySelector("[name=csrfmiddlewaretoken]").value);
        data.append("photo", blob, "frame.jpg");
        fetch(scanForm.action || window.location.href, {
          method: "POST", body: data, headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (response) { return response.json(); }).then(function (answer) {
          if (answer.next) { done = true; window.location.href = answer.next; }
          else { setTimeout(sendFrame, 1000); }
        }).catch(function () { setTimeout(sendFrame, 2000); });
      }, "image/jpeg", 0.85);
    };
    camera.querySelector("[data-camera-start]").addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        cameraStatus.textContent = camera.dataset.aiming || "";
        if ("BarcodeDetector" in window) {
          var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          var detect = function () {
            if (done) return;
            detector.detect(video).then(function (codes) {
              if (codes.length) submitText(codes[0].rawValue); else setTimeout(detect, 250);
            }).catch(function () { setTimeout(sendFrame, 1000); });
          };
          video.addEventListener("playing", detect, { once: true });
        } else {
          video.addEventListener("playing", function () { setTimeout(sendFrame, 800); }, { once: true });
        }
      }).catch(function () {
        cameraStatus.textContent = camera.dataset.denied || "";
      });
    });
  }
})();

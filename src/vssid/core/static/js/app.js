// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // The error summary takes focus, so screen readers announce it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();

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

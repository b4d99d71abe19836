// The desk's camera check-in: on a tablet whose browser can read QR codes
// (BarcodeDetector) and has a camera, a button opens the camera; the first
// booking code it reads is put in the code field and submitted. Anywhere
// else nothing changes: the plain code field (typed, or filled by a USB or
// Bluetooth scanner that types) is the whole check-in.
(function () {
  "use strict";
  var form = document.querySelector("form[data-scan]");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var field = form.querySelector("input[name=booking]");
  var status = form.querySelector("[data-scan-status]");
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "用摄像头扫码";
  var video = document.createElement("video");
  video.setAttribute("playsinline", "");
  video.muted = true;
  video.className = "scan-video";
  video.hidden = true;
  video.setAttribute("aria-label", "摄像头画面：请把预约二维码对准取景框");
  form.appendChild(button);
  form.appendChild(video);

  var stream = null;
  var timer = null;
  function say(text) {
    if (status) status.textContent = text;
  }
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = "用摄像头扫码";
  }
  // Booking codes: 8 characters without look-alikes; the QR holds just the code.
  function bookingCode(text) {
    var code = String(text || "").trim().toUpperCase();
    return /^[2-9A-HJKMNP-Z]{8}$/.test(code) ? code : null;
  }

  button.addEventListener("click", function () {
    if (stream) {
      stop();
      say("已关闭摄像头。");
      return;
    }
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (e) {
      say("此设备不能识别二维码，请直接输入预约码。");
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.textContent = "关闭摄像头";
        say("请把预约二维码对准摄像头。");
        return video.play();
      })
      .then(function () {
        var busy = false;
        timer = setInterval(function () {
          if (busy || !stream || video.readyState < 2) return;
          busy = true;
          detector
            .detect(video)
            .then(function (found) {
              for (var i = 0; i < found.length; i++) {
                var code = bookingCode(found[i].rawValue);
                if (code) {
                  stop();
                  field.value = code;
                  say("已识别预约码 " + code + "，正在签到…");
                  form.requestSubmit ? form.requestSubmit() : form.submit();
                  return;
                }
              }
            })
            .catch(function () {})
            .then(function () { busy = false; });
        }, 250);
      })
      .catch(function () {
        stop();
        say("无法打开摄像头，请直接输入预约码。");
      });
  });
})();

/* Otinish - electronic signature (ЭЦП) through NCALayer, the national signing app that
   listens on wss://127.0.0.1:13579 on the user's own computer.

   Only the ЭЦП pages and forms load this file. Each element marked data-ncalayer (a form, or a
   part of one) carries, in data attributes written by the server in the page's language:
     data-content   what to sign, base64 (a server nonce, or the canonical text of an answer);
     data-build     "appeal": instead, build the appeal's canonical text from the form, as
                    service::ecp::appeal_text does on the server (fields trimmed, CR LF as LF,
                    then the SHA-256 of each chosen file);
     data-eku       the key to offer (1.3.6.1.5.5.7.3.2 AUTH for sign-in, .3.4 for signing);
     data-msg-*     the messages shown while asking.
   A button marked data-ncalayer-sign asks NCALayer (module kz.gov.pki.knca.basics, method
   sign, detached CMS), puts the signature into the "cms" field and submits the enclosing form.
   The server verifies everything; this script only carries the signature over. */
(function () {
  "use strict";

  var ENDPOINT = "wss://127.0.0.1:13579/";
  var STORAGES = ["PKCS12", "AKKZIDCardStore", "AKKaztokenStore", "AKEToken72KStore",
    "AKEToken5110Store", "AKJaCartaStore", "AKAKEYStore"];

  function locale() {
    var lang = document.documentElement.lang;
    return lang === "ru" || lang === "en" ? lang : "kk";
  }

  var APPEAL_FIELDS = [["kind", "kind"], ["unit", "unit"], ["category", "category"],
    ["subject", "subject"], ["co-applicants", "co_applicants"], ["name", "name"],
    ["phone", "phone"], ["email", "email"], ["address", "address"]];

  function value(form, name) {
    var field = form.elements.namedItem(name);
    var text = field && field.value !== undefined ? field.value : "";
    return text.replace(/\r\n/g, "\n").trim();
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return out;
  }

  function base64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary);
  }

  /* The appeal's canonical text, base64, as the server rebuilds it from the posted form. */
  function appealContent(form) {
    var text = "Otinish appeal\n";
    APPEAL_FIELDS.forEach(function (pair) {
      text += pair[0] + ": " + value(form, pair[1]) + "\n";
    });
    text += "text:\n" + value(form, "description") + "\n";
    var files = [];
    form.querySelectorAll("input[type='file'][name='files']").forEach(function (input) {
      for (var i = 0; i < input.files.length; i++) {
        if (input.files[i].size > 0) {
          files.push(input.files[i]);
        }
      }
    });
    return Promise.all(files.map(function (file) {
      return file.arrayBuffer().then(function (bytes) {
        return crypto.subtle.digest("SHA-256", bytes);
      });
    })).then(function (digests) {
      digests.forEach(function (digest) {
        text += "file: " + hex(digest) + "\n";
      });
      return base64(text);
    });
  }

  function setUp(box) {
    var form = box.closest("form");
    var data = box.dataset;
    var button = box.querySelector("[data-ncalayer-sign]");
    var status = box.querySelector("[data-ncalayer-status]");
    var field = box.querySelector("[name='cms']");
    if (!form || !button || !field) {
      return;
    }
    var busy = false;

    function say(text, failed) {
      if (status) {
        status.textContent = text || "";
        status.className = failed ? "notice error" : "notice";
        status.hidden = !text;
      }
    }

    function done() {
      busy = false;
      button.disabled = false;
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      if (busy) {
        return;
      }
      busy = true;
      button.disabled = true;
      say(data.msgConnecting, false);
      var content = data.build === "appeal" ? appealContent(form) : Promise.resolve(data.content);
      content.then(function (content) {
        ask(content);
      }, function () {
        say(data.msgFailed, true);
        done();
      });
    });

    function ask(content) {
      var socket;
      try {
        socket = new WebSocket(ENDPOINT);
      } catch (e) {
        say(data.msgNotRunning, true);
        done();
        return;
      }
      var greeted = false;
      var answered = false;
      var request = {
        module: "kz.gov.pki.knca.basics",
        method: "sign",
        args: {
          allowedStorages: STORAGES,
          format: "cms",
          data: content,
          signingParams: { decode: true, encapsulate: false, digested: false },
          signerParams: { extKeyUsageOids: [data.eku] },
          locale: locale()
        }
      };
      socket.onerror = function () {
        if (!answered) {
          answered = true;
          say(greeted ? data.msgFailed : data.msgNotRunning, true);
          done();
        }
      };
      socket.onclose = function () {
        if (!answered) {
          answered = true;
          say(greeted ? data.msgFailed : data.msgNotRunning, true);
          done();
        }
      };
      socket.onmessage = function (event) {
        var reply;
        try {
          reply = JSON.parse(event.data);
        } catch (e) {
          reply = null;
        }
        if (!greeted) {
          // The first message is NCALayer's greeting with its version.
          greeted = true;
          say(data.msgChoose, false);
          socket.send(JSON.stringify(request));
          return;
        }
        answered = true;
        socket.close();
        if (reply && reply.status === true) {
          var result = reply.body && reply.body.result;
          if (Array.isArray(result)) {
            result = result[0];
          }
          if (!result) {
            say(data.msgCancelled, true);
            done();
            return;
          }
          field.value = result;
          say(data.msgSending, false);
          form.submit();
          return;
        }
        var detail = reply && (reply.message || reply.code);
        say(data.msgFailed + (detail ? " (" + detail + ")" : ""), true);
        done();
      };
    }
  }

  var boxes = document.querySelectorAll("[data-ncalayer]");
  for (var i = 0; i < boxes.length; i++) {
    setUp(boxes[i]);
  }
})();

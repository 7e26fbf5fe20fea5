/* Otinish - passkeys. Loaded only by the passkey pages, which say without it that passkeys
   need JavaScript. The page's form carries the options in data- attributes; on submit this
   asks the browser for a new passkey (navigator.credentials.create) or for one to sign in with
   (navigator.credentials.get), puts the answer base64url-encoded into the form's hidden fields
   and posts the form as usual, CSRF token included. The server checks everything. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-passkey]");
  if (!form) {
    return;
  }
  var data = form.dataset;
  var problem = document.getElementById("passkey-problem");
  var button = form.querySelector("button[type='submit']");

  function show(text) {
    problem.textContent = text;
    problem.hidden = false;
    problem.focus();
  }

  if (!window.PublicKeyCredential || !navigator.credentials) {
    show(data.msgUnsupported);
    return;
  }
  document.getElementById("passkey-ui").hidden = false;

  function bytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  function text(buffer) {
    var view = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < view.length; i++) {
      raw += String.fromCharCode(view[i]);
    }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function put(name, value) {
    form.elements[name].value = value;
  }

  function register() {
    var exclude = data.exclude ? data.exclude.split(" ") : [];
    return navigator.credentials.create({
      publicKey: {
        challenge: bytes(data.challenge),
        rp: { id: data.rpId, name: data.rpName },
        user: { id: bytes(data.userId), name: data.userName, displayName: data.userDisplay },
        pubKeyCredParams: [
          { type: "public-key", alg: -7 },
          { type: "public-key", alg: -257 }
        ],
        authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
        attestation: "none",
        excludeCredentials: exclude.map(function (id) {
          return { type: "public-key", id: bytes(id) };
        }),
        timeout: 120000
      }
    }).then(function (credential) {
      put("client_data", text(credential.response.clientDataJSON));
      put("attestation_object", text(credential.response.attestationObject));
    });
  }

  /* Like app.js on the password form: the next person on this device must not see the
     offline list of the previous one. */
  function forget() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget");
    }
    if (window.caches) {
      caches.delete("otinish-user");
    }
  }

  function signIn() {
    return navigator.credentials.get({
      publicKey: {
        challenge: bytes(data.challenge),
        rpId: data.rpId,
        allowCredentials: [],
        userVerification: "preferred",
        timeout: 120000
      }
    }).then(function (credential) {
      var response = credential.response;
      put("credential_id", text(credential.rawId));
      put("client_data", text(response.clientDataJSON));
      put("authenticator_data", text(response.authenticatorData));
      put("signature", text(response.signature));
      put("user_handle", response.userHandle ? text(response.userHandle) : "");
      forget();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    problem.hidden = true;
    button.disabled = true;
    var ceremony = data.passkey === "register" ? register : signIn;
    var asked;
    try {
      asked = ceremony();
    } catch (err) {
      asked = Promise.reject(err);
    }
    asked.then(function () {
      form.submit();
    }, function (err) {
      button.disabled = false;
      show(err && err.name === "InvalidStateError" ? data.msgExists : data.msgFailed);
    });
  });
})();

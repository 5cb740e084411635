/* bosonline password reset page (/reset-password#token=…): reads the token from the URL fragment (which browsers
   never send to a server), removes it from the address bar, and posts the new password to POST
   /auth/password/reset. The API decides what a valid token and password are; this page only says it in Indonesian. */
(function () {
  "use strict";

  var INVALID_LINK = "Link ini tidak berlaku lagi: sudah dipakai, sudah kedaluwarsa, atau tidak lengkap. " +
    "Minta link baru lewat \u201cLupa kata sandi\u201d di halaman masuk.";
  var WEAK_PASSWORD = "Kata sandi baru harus 8\u2013128 karakter.";
  var MISMATCH = "Kedua kata sandi tidak sama.";
  var FAILED = "Kata sandi belum tersimpan karena ada gangguan. Coba lagi sebentar lagi.";
  var OFFLINE = "Tidak dapat terhubung. Periksa koneksi internet Anda lalu coba lagi.";

  function $(id) { return document.getElementById(id); }
  var form = $("reset-form"), alertBox = $("alert"), done = $("done"), submit = $("submit");
  var password = $("password"), confirm = $("confirm");

  function tokenFromFragment() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    return params.get("token") || "";
  }
  var token = tokenFromFragment();
  if (location.hash) history.replaceState(null, "", location.pathname);  // out of the address bar and history

  function showAlert(text) {
    alertBox.textContent = text;
    alertBox.hidden = false;
    alertBox.focus();
  }
  function fieldError(input, text) {
    $(input.id + "-error").textContent = text || "";
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }

  if (!token) {
    showAlert(INVALID_LINK);
    return;
  }
  form.hidden = false;

  function explain(status, body) {
    var error = (body && body.error) || {};
    var fields = error.fields || {};
    if (status === 400 && error.code === "invalid_reset_token") return { alert: INVALID_LINK, expired: true };
    if (status === 422 && fields.token) return { alert: INVALID_LINK, expired: true };
    if (status === 422 && fields.password) return { field: WEAK_PASSWORD };
    return { alert: FAILED };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    alertBox.hidden = true;
    fieldError(password, "");
    fieldError(confirm, "");
    if (password.value !== confirm.value) {
      fieldError(confirm, MISMATCH);
      confirm.focus();
      return;
    }
    submit.disabled = true;
    fetch("/auth/password/reset", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ token: token, password: password.value }),
      credentials: "omit",
      cache: "no-store",
    }).then(function (response) {
      if (response.ok) {
        form.hidden = true;
        done.hidden = false;
        done.focus();
        return;
      }
      return response.json().catch(function () { return null; }).then(function (body) {
        var why = explain(response.status, body);
        if (why.field) {
          fieldError(password, why.field);
          password.focus();
        } else {
          showAlert(why.alert);
          if (why.expired) form.hidden = true;
        }
      });
    }, function () {
      showAlert(OFFLINE);
    }).then(function () { submit.disabled = false; });
  });
})();

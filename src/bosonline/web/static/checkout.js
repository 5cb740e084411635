/* bosonline public pages: the checkout form (/f/<slug>) and the copy buttons of the order status page.
   Plain ES5-ish JavaScript, no framework, no third-party code. */
(function () {
  "use strict";

  var numberFormat = new Intl.NumberFormat("id-ID");
  function rupiah(amount) {
    return (amount < 0 ? "-Rp" : "Rp") + numberFormat.format(Math.abs(amount));
  }
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // --- copy buttons (order status page) -------------------------------------------------------------------------
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = el("textarea", { readonly: "", "aria-hidden": "true" });
    area.value = text;
    area.className = "hp";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    copyText(button.getAttribute("data-copy")).then(function () {
      var label = button.textContent;
      button.textContent = "Disalin ✓";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  var dataNode = $("form-data");
  if (!dataNode) return;

  // --- the checkout form ------------------------------------------------------------------------------------------
  var config = JSON.parse(dataNode.textContent);
  var page = config.page;
  var form = page.form;
  var storeQuery = config.store ? "?store=" + encodeURIComponent(config.store) : "";
  var formPath = "/public/form/" + encodeURIComponent(config.slug);
  var idempotencyKey = newUuid();
  var leadStorageKey = "bosonline-lead:" + (config.store || location.host) + ":" + config.slug;

  // The API speaks English; buyers read Indonesian. Known refusals get their Indonesian text here.
  var FIELD_MESSAGES = {
    phone: "Nomor WhatsApp tidak valid. Contoh: 0812 3456 7890.",
    email: "Format email tidak valid.",
    name: "Nama wajib diisi (maksimal 100 karakter).",
    address: "Alamat terlalu pendek: tulis jalan, nomor rumah, RT/RW.",
    postal_code: "Kode pos tidak cocok dengan kelurahan yang dipilih.",
    region_code: "Ketik lalu pilih kecamatan dari daftar.",
    courier: "Pilih kurir yang tersedia.",
    courier_service: "Pilih kurir yang tersedia.",
    payment_method: "Pilih metode pembayaran yang tersedia.",
    notes: "Catatan terlalu panjang.",
  };
  var VOUCHER_MESSAGES = {
    voucher_not_found: "Kode voucher tidak ditemukan.",
    voucher_inactive: "Voucher ini sedang tidak aktif.",
    voucher_not_started: "Voucher ini belum bisa dipakai.",
    voucher_expired: "Voucher ini sudah berakhir.",
    voucher_exhausted: "Kuota voucher ini sudah habis.",
    voucher_below_minimum: "Belanja belum mencapai minimum pembelian voucher ini.",
    voucher_not_for_products: "Voucher ini tidak berlaku untuk produk yang dipilih.",
    voucher_buyer_limit_reached: "Anda sudah memakai voucher ini sebanyak batas maksimal.",
  };
  var TOP_MESSAGES = {
    out_of_stock: "Maaf, stok tidak mencukupi. Kurangi jumlah atau pilih varian lain.",
    insufficient_stock: "Maaf, stok tidak mencukupi. Kurangi jumlah atau pilih varian lain.",
    not_found: "Produk atau halaman ini sudah tidak tersedia. Muat ulang halaman.",
    rejected: "Pesanan tidak dapat diproses.",
    idempotency_key_reused: "Pesanan Anda sudah tercatat sebelumnya. Muat ulang halaman atau hubungi penjual.",
  };
  function fieldMessage(error, key, message) {
    if (error.code && VOUCHER_MESSAGES[error.code]) return VOUCHER_MESSAGES[error.code];
    if (error.code === "validation_error") {
      if (FIELD_MESSAGES[key]) return FIELD_MESSAGES[key];
      if (/^items\.\d+\.quantity$/.test(key)) return "Jumlah melebihi batas pembelian.";
    }
    return String(message).replace(/: (\d+) left$/, ": sisa $1");
  }
  var PAYMENT_REQUIRED = "Pilih metode pembayaran.";

  var state = {
    district: null,
    village: null,
    rate: null,
    payment: null,
    voucher: null,
    voucherTrying: null,
    quote: null,
    submittedItems: [],
    submitting: false,
    leadToken: readLeadToken(),
  };

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  function readLeadToken() {
    try { return sessionStorage.getItem(leadStorageKey); } catch (e) { return null; }
  }
  function writeLeadToken(token) {
    state.leadToken = token;
    try { if (token) sessionStorage.setItem(leadStorageKey, token); else sessionStorage.removeItem(leadStorageKey); } catch (e) { /* private mode */ }
  }

  // One JSON call; resolves {ok, status, data, error} and never rejects on HTTP errors (only on network failure).
  function api(method, url, body, headers, keepalive) {
    var init = { method: method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (keepalive) init.keepalive = true;
    Object.keys(headers || {}).forEach(function (key) { init.headers[key] = headers[key]; });
    return fetch(url, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return {
          ok: response.ok,
          status: response.status,
          data: json && json.data,
          error: (json && json.error) || { code: "http_" + response.status, message: "" },
          retryAfter: response.headers.get("Retry-After"),
        };
      });
    });
  }

  // --- products, variants, quantities ---------------------------------------------------------------------------
  var productNodes = Array.prototype.slice.call(document.querySelectorAll("fieldset.product"));
  var variantsById = {};
  page.products.forEach(function (product) {
    product.variants.forEach(function (variant) { variantsById[variant.id] = variant; });
  });
  var singleProduct = productNodes.length === 1;
  var minQuantity = singleProduct ? 1 : 0;

  function chosenVariant(node) {
    var checked = node.querySelector("input[type=radio]:checked");
    return checked ? variantsById[checked.value] : null;
  }
  function quantityInput(node) { return node.querySelector(".stepper input"); }
  function maxQuantity(variant) {
    return variant ? Math.max(0, Math.min(form.max_quantity, variant.available)) : 0;
  }
  function setQuantity(node, value) {
    var variant = chosenVariant(node);
    var max = maxQuantity(variant);
    var input = quantityInput(node);
    var quantity = Math.max(variant ? minQuantity : 0, Math.min(max, Math.floor(Number(value) || 0)));
    input.value = String(quantity);
    input.max = String(max);
    input.min = String(variant ? minQuantity : 0);
    node.querySelector("[data-step='-1']").disabled = !variant || quantity <= minQuantity;
    node.querySelector("[data-step='1']").disabled = !variant || quantity >= max;
  }
  function items() {
    var lines = [];
    state.itemProducts = [];
    productNodes.forEach(function (node) {
      var variant = chosenVariant(node);
      var quantity = Number(quantityInput(node).value) || 0;
      if (variant && quantity > 0) {
        lines.push({ variant_id: variant.id, quantity: quantity });
        state.itemProducts.push(node);
      }
    });
    return lines;
  }

  productNodes.forEach(function (node, index) {
    // The first product starts chosen (its first variant in stock); the others start at quantity 0, with their
    // variant preselected when only one is in stock, so "+" is all it takes to add them.
    var inStock = node.querySelectorAll("input[type=radio]:not(:disabled)");
    if (inStock.length && (index === 0 || inStock.length === 1)) inStock[0].checked = true;
    var variant = chosenVariant(node);
    setQuantity(node, variant && index === 0 ? Math.max(1, variant.default_quantity || 1) : 0);
    node.addEventListener("change", function (event) {
      if (event.target.type === "radio") {
        var current = Number(quantityInput(node).value) || 0;
        var picked = chosenVariant(node);
        setQuantity(node, current > 0 ? current : Math.max(1, picked.default_quantity || 1));
        clearError(node.querySelector("[data-product-error]"));
        changed();
      } else if (event.target === quantityInput(node)) {
        setQuantity(node, event.target.value);
        changed();
      }
    });
    node.addEventListener("click", function (event) {
      var step = event.target.getAttribute && event.target.getAttribute("data-step");
      if (!step) return;
      setQuantity(node, (Number(quantityInput(node).value) || 0) + Number(step));
      changed();
    });
  });

  // --- buyer fields ---------------------------------------------------------------------------------------------
  var nameInput = $("name");
  var phoneInput = $("phone");
  var emailInput = $("email");
  var addressInput = $("address");
  var notesInput = $("notes");
  var honeypot = $("website");

  function phoneLooksValid(value) {
    var digits = value.replace(/[\s().-]/g, "");
    if (digits.charAt(0) === "+") digits = digits.slice(1);
    if (digits.indexOf("0") === 0) digits = "62" + digits.slice(1);
    return /^628\d{7,11}$/.test(digits);
  }
  function emailLooksValid(value) { return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value); }
  function trimmed(input) { return input ? input.value.trim() : ""; }

  [nameInput, phoneInput, emailInput, addressInput, notesInput].forEach(function (input) {
    if (!input) return;
    input.addEventListener("input", function () {
      clearError(document.querySelector("[data-error-for~='" + input.id + "']"));
      input.removeAttribute("aria-invalid");
      if (input === phoneInput && state.voucher) scheduleQuote();
      scheduleLead();
    });
  });

  // --- district autocomplete and village choice -----------------------------------------------------------------
  var districtInput = $("district");
  var districtList = $("district-list");
  var villageField = $("village-field");
  var villageSelect = $("village");
  var districtOptions = [];
  var districtActive = -1;
  var districtTimer = null;
  var districtSeq = 0;

  function regionCode() {
    if (state.village) return state.village.code;
    return state.district ? state.district.code : null;
  }
  function closeDistrictList() {
    districtList.hidden = true;
    districtInput.setAttribute("aria-expanded", "false");
    districtInput.removeAttribute("aria-activedescendant");
    districtActive = -1;
  }
  function renderDistrictList(message) {
    districtList.textContent = "";
    if (message) {
      districtList.appendChild(el("li", { className: "none", text: message }));
    }
    districtOptions.forEach(function (region, index) {
      var option = el("li", { id: "district-opt-" + index, role: "option", "aria-selected": "false", "data-index": String(index) }, [
        document.createTextNode(region.name),
        el("small", { text: region.path }),
      ]);
      districtList.appendChild(option);
    });
    districtList.hidden = false;
    districtInput.setAttribute("aria-expanded", "true");
  }
  function highlightDistrict(index) {
    var options = districtList.querySelectorAll("[role=option]");
    if (!options.length) return;
    districtActive = (index + options.length) % options.length;
    Array.prototype.forEach.call(options, function (option, i) {
      option.setAttribute("aria-selected", i === districtActive ? "true" : "false");
    });
    districtInput.setAttribute("aria-activedescendant", options[districtActive].id);
    options[districtActive].scrollIntoView({ block: "nearest" });
  }
  function searchDistricts() {
    var text = districtInput.value.trim();
    if (text.length < 3) { closeDistrictList(); return; }
    var seq = ++districtSeq;
    api("GET", "/public/regions?level=3&limit=8&q=" + encodeURIComponent(text)).then(function (result) {
      if (seq !== districtSeq) return;
      districtOptions = result.ok ? result.data : [];
      renderDistrictList(districtOptions.length ? "" : "Kecamatan tidak ditemukan. Coba ketik nama lain.");
    }).catch(function () { /* offline for a moment: the buyer types again */ });
  }
  function pickDistrict(region) {
    state.district = region;
    state.village = null;
    districtInput.value = region.path;
    districtInput.removeAttribute("aria-invalid");
    closeDistrictList();
    clearError($("err-region"));
    loadVillages(region);
    changed();
  }
  function loadVillages(district) {
    villageSelect.length = 1;
    villageField.hidden = true;
    api("GET", "/public/regions?parent=" + encodeURIComponent(district.code)).then(function (result) {
      if (!result.ok || !state.district || state.district.code !== district.code) return;
      result.data.forEach(function (village) {
        var label = village.name + (village.postal_code ? " (" + village.postal_code + ")" : "");
        villageSelect.appendChild(el("option", { value: village.code, text: label }));
      });
      state.villages = result.data;
      villageField.hidden = result.data.length === 0;
    }).catch(function () { /* the village is optional */ });
  }

  districtInput.addEventListener("input", function () {
    if (state.district) {
      state.district = null;
      state.village = null;
      villageField.hidden = true;
      changed();
    }
    clearTimeout(districtTimer);
    districtTimer = setTimeout(searchDistricts, 250);
  });
  districtInput.addEventListener("keydown", function (event) {
    if (districtList.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlightDistrict(districtActive + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlightDistrict(districtActive - 1); }
    else if (event.key === "Enter") {
      if (districtActive >= 0 && districtOptions[districtActive]) { event.preventDefault(); pickDistrict(districtOptions[districtActive]); }
    } else if (event.key === "Escape") { closeDistrictList(); }
  });
  districtList.addEventListener("mousedown", function (event) { event.preventDefault(); });
  districtList.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) pickDistrict(districtOptions[Number(option.getAttribute("data-index"))]);
  });
  districtInput.addEventListener("blur", function () { setTimeout(closeDistrictList, 150); });
  villageSelect.addEventListener("change", function () {
    var code = villageSelect.value;
    state.village = null;
    (state.villages || []).forEach(function (village) { if (village.code === code) state.village = village; });
    changed();
  });

  // --- couriers (from the quote) ----------------------------------------------------------------------------------
  var ratesBox = $("rates");
  var ratesKey = null;

  function rateEligible(rate) { return state.payment !== "cod" || rate.cod; }
  function renderRates() {
    if (!ratesBox) return;
    var rates = state.quote && regionCode() ? state.quote.rates : null;
    var key = JSON.stringify([rates, state.payment, state.rate, !!regionCode()]);
    if (key === ratesKey) return;
    ratesKey = key;
    ratesBox.textContent = "";
    if (!regionCode()) {
      ratesBox.appendChild(el("p", { className: "muted", text: "Pilih kecamatan dulu untuk melihat ongkos kirim." }));
      return;
    }
    if (!rates) {
      ratesBox.appendChild(el("p", { className: "muted", text: "Menghitung ongkos kirim…" }));
      return;
    }
    if (!rates.length) {
      ratesBox.appendChild(el("p", { className: "muted", text: "Belum ada kurir yang mengirim ke alamat ini. Hubungi penjual." }));
      return;
    }
    rates.forEach(function (rate) {
      var eligible = rateEligible(rate);
      var input = el("input", { type: "radio", name: "courier", value: rate.courier + "|" + rate.service });
      input.checked = !!(state.rate && state.rate.courier === rate.courier && state.rate.service === rate.service);
      input.disabled = !eligible;
      var details = rate.etd ? "Estimasi " + rate.etd : "";
      if (!eligible) details = "Tidak melayani COD";
      ratesBox.appendChild(el("label", { className: "choice" + (eligible ? "" : " is-off") }, [
        input,
        el("span", { className: "grow" }, [
          document.createTextNode(rate.courier_name + " " + rate.service),
          details ? el("small", { text: details }) : null,
        ]),
        el("span", { className: "price", text: rupiah(rate.price) }),
      ]));
    });
  }
  // Keeps the chosen service only while the latest quote still offers it (and it may carry COD if COD is chosen).
  function reconcileRate() {
    if (!ratesBox) return false;
    var rates = state.quote && regionCode() ? state.quote.rates : [];
    var eligible = rates.filter(rateEligible);
    var kept = state.rate && eligible.some(function (rate) {
      return rate.courier === state.rate.courier && rate.service === state.rate.service;
    });
    if (state.rate && !kept) { state.rate = null; return true; }
    if (!state.rate && eligible.length === 1) {
      state.rate = { courier: eligible[0].courier, service: eligible[0].service };
      return true;
    }
    return false;
  }
  if (ratesBox) {
    ratesBox.addEventListener("change", function (event) {
      var parts = event.target.value.split("|");
      state.rate = { courier: parts[0], service: parts[1] };
      clearError($("err-courier"));
      changed();
    });
  }

  // --- payment method ---------------------------------------------------------------------------------------------
  var paymentChecked = document.querySelector("input[name=payment_method]:checked");
  state.payment = paymentChecked ? paymentChecked.value : null;
  document.querySelectorAll("input[name=payment_method]").forEach(function (input) {
    input.addEventListener("change", function () {
      state.payment = input.value;
      clearError($("err-payment"));
      if (reconcileRate()) ratesKey = null;
      changed();
    });
  });

  // --- voucher ----------------------------------------------------------------------------------------------------
  var voucherInput = $("voucher");
  var voucherError = $("err-voucher");
  function applyVoucher(code) {
    code = (code || "").trim();
    if (!code) { setError(voucherError, "Masukkan kode voucher."); return; }
    voucherInput.value = code;
    clearError(voucherError);
    state.voucherTrying = code;
    scheduleQuote(0);
  }
  function renderVoucher() {
    if (!voucherInput) return;
    var applied = state.quote && state.quote.voucher;
    $("voucher-applied").hidden = !(applied && state.voucher);
    if (applied && state.voucher) {
      $("voucher-applied-text").textContent = "✓ " + applied.code + ": hemat " + rupiah(applied.discount);
    }
  }
  if (voucherInput) {
    $("voucher-apply").addEventListener("click", function () { applyVoucher(voucherInput.value); });
    voucherInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); applyVoucher(voucherInput.value); }
    });
    $("voucher-remove").addEventListener("click", function () {
      state.voucher = null;
      voucherInput.value = "";
      clearError(voucherError);
      changed();
    });
    api("GET", formPath + "/vouchers" + storeQuery).then(function (result) {
      if (!result.ok || !result.data || !result.data.length) return;
      var chips = $("voucher-chips");
      result.data.slice(0, 6).forEach(function (voucher) {
        var chip = el("button", { type: "button", className: "chip", "data-code": voucher.code }, [
          el("b", { text: voucher.code }),
          document.createTextNode(voucher.summary || voucher.name || ""),
        ]);
        chip.addEventListener("click", function () { applyVoucher(voucher.code); });
        chips.appendChild(chip);
      });
      chips.hidden = false;
    }).catch(function () { /* chips are a convenience */ });
  }

  // --- quote: the live money breakdown ----------------------------------------------------------------------------
  var totalNode = $("total");
  var summaryBody = $("summary").tBodies[0];
  var quoteTimer = null;
  var quoteSeq = 0;
  var quoteDue = false;  // a change is waiting for its quote: the total shown is not final yet

  function quoteBody() {
    var body = { items: items() };
    if (config.store) body.store = config.store;
    var region = regionCode();
    if (region) body.region_code = region;
    if (state.rate) { body.courier = state.rate.courier; body.courier_service = state.rate.service; }
    if (state.payment) body.payment_method = state.payment;
    var voucher = state.voucherTrying || state.voucher;
    if (voucher) body.voucher_code = voucher;
    if (phoneLooksValid(phoneInput.value)) body.phone = phoneInput.value.trim();
    return body;
  }
  function scheduleQuote(delay) {
    clearTimeout(quoteTimer);
    quoteDue = true;
    totalNode.classList.add("stale");
    totalNode.setAttribute("data-state", "pending");
    quoteTimer = setTimeout(runQuote, delay === undefined ? 300 : delay);
  }
  function runQuote() {
    var body = quoteBody();
    var seq = ++quoteSeq;
    quoteDue = false;
    if (!body.items.length) {
      state.quote = null;
      renderQuote();
      return;
    }
    api("POST", formPath + "/quote", body).then(function (result) {
      if (seq !== quoteSeq) return;
      if (result.ok) {
        state.quote = result.data;
        if (state.voucherTrying) { state.voucher = state.voucherTrying; state.voucherTrying = null; }
        if (reconcileRate()) { ratesKey = null; scheduleQuote(0); }
        renderQuote();
        return;
      }
      var error = result.error;
      if (result.status === 422 && error.code && error.code.indexOf("voucher_") === 0) {
        setError(voucherError, fieldMessage(error, "voucher_code", (error.fields && error.fields.voucher_code) || error.message));
        state.voucher = null;
        state.voucherTrying = null;
        scheduleQuote(0);
        return;
      }
      if (result.status === 429) { scheduleQuote(Math.min(30, Number(result.retryAfter) || 5) * 1000); return; }
      state.quote = null;
      renderQuote();
      if (result.status === 422 || result.status === 409) showErrors(error, state.itemProducts);
    }).catch(function () {
      if (seq === quoteSeq) scheduleQuote(3000);
    });
  }
  function summaryRow(label, amount, className, detail) {
    var first = el("td", {}, [document.createTextNode(label), detail ? el("div", { className: "ln", text: detail }) : null]);
    return el("tr", className ? { className: className } : {}, [first, el("td", { text: amount })]);
  }
  function renderQuote() {
    var quote = state.quote;
    summaryBody.textContent = "";
    if (!quoteDue) {
      totalNode.classList.remove("stale");
      totalNode.setAttribute("data-state", "ready");
    }
    $("unique-hint").hidden = state.payment !== "bank_transfer";
    if (!quote) {
      totalNode.textContent = "—";
      totalNode.setAttribute("data-total", "");
      summaryBody.appendChild(summaryRow("Pilih produk untuk melihat total.", ""));
      renderRates();
      renderVoucher();
      return;
    }
    var money = quote.money;
    quote.lines.forEach(function (line) {
      var name = line.product_name + (line.variant_name && line.variant_name !== line.product_name ? " – " + line.variant_name : "");
      summaryBody.appendChild(summaryRow(name, rupiah(line.subtotal), "", line.quantity + " × " + rupiah(line.unit_price)));
    });
    summaryBody.appendChild(summaryRow("Subtotal produk", rupiah(money.product_price)));
    if (money.product_discount) summaryBody.appendChild(summaryRow("Diskon voucher", rupiah(-money.product_discount), "minus"));
    if (page.shipping_required) {
      summaryBody.appendChild(summaryRow("Ongkos kirim", state.rate ? rupiah(money.shipping_cost) : "pilih kurir"));
    }
    if (money.shipping_discount) summaryBody.appendChild(summaryRow("Diskon ongkir", rupiah(-money.shipping_discount), "minus"));
    if (money.cod_fee) summaryBody.appendChild(summaryRow("Biaya COD", rupiah(money.cod_fee)));
    if (money.other_fee) summaryBody.appendChild(summaryRow("Biaya lain", rupiah(money.other_fee)));
    if (money.unique_code) summaryBody.appendChild(summaryRow("Kode unik", rupiah(-money.unique_code), "minus"));
    summaryBody.appendChild(summaryRow("Total", rupiah(money.total), "total"));
    totalNode.textContent = rupiah(money.total);
    totalNode.setAttribute("data-total", String(money.total));
    renderRates();
    renderVoucher();
  }

  // --- abandoned checkout (lead) ----------------------------------------------------------------------------------
  // Saved 1.5 s after the buyer stops typing, at most every 10 s (the server counts these saves with checkouts in
  // one per-IP budget), only when something changed, and once more when the page is hidden.
  var LEAD_DEBOUNCE = 1500;
  var LEAD_MIN_INTERVAL = 10000;
  var leadTimer = null;
  var leadBusy = false;
  var leadSavedAt = 0;
  var leadSavedBody = null;

  function leadBody() {
    var name = trimmed(nameInput);
    var phone = trimmed(phoneInput);
    if (name.length < 2 || !phoneLooksValid(phone)) return null;
    var body = { name: name, phone: phone, items: items(), website: honeypot.value };
    var email = trimmed(emailInput);
    if (email && emailLooksValid(email)) body.email = email;
    if (regionCode()) body.region_code = regionCode();
    if (trimmed(addressInput)) body.address = trimmed(addressInput);
    if (trimmed(notesInput)) body.notes = trimmed(notesInput);
    if (state.payment) body.payment_method = state.payment;
    return body;
  }
  function scheduleLead() {
    if (state.submitting || state.done) return;
    clearTimeout(leadTimer);
    var wait = Math.max(LEAD_DEBOUNCE, leadSavedAt + LEAD_MIN_INTERVAL - Date.now());
    leadTimer = setTimeout(function () { saveLead(false); }, wait);
  }
  function saveLead(keepalive) {
    var body = leadBody();
    if (!body || leadBusy || state.submitting || state.done) return;
    var serialized = JSON.stringify(body);
    if (serialized === leadSavedBody) return;
    leadBusy = true;
    var request;
    if (state.leadToken) {
      request = api("PUT", "/public/checkout/abandoned/" + encodeURIComponent(state.leadToken), body, null, keepalive);
    } else {
      var create = { form: config.slug };
      if (config.store) create.store = config.store;
      Object.keys(body).forEach(function (key) { create[key] = body[key]; });
      request = api("POST", "/public/checkout/abandoned", create, null, keepalive);
    }
    leadSavedAt = Date.now();
    request.then(function (result) {
      if (result.ok) {
        leadSavedBody = serialized;
        if (result.data && result.data.token) writeLeadToken(result.data.token);
      } else if ((result.status === 404 || result.status === 409) && state.leadToken) {
        writeLeadToken(null);  // unknown or already an order: start a new lead next time
      }
    }).catch(function () { /* best effort */ }).then(function () { leadBusy = false; });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { clearTimeout(leadTimer); saveLead(true); }
  });

  // --- errors -----------------------------------------------------------------------------------------------------
  var alertBox = $("alert");
  function setError(node, message) {
    if (!node) return;
    node.textContent = message;
    var field = node.id && document.querySelector("[aria-describedby~='" + node.id + "']");
    if (field) field.setAttribute("aria-invalid", "true");
  }
  function clearError(node) {
    if (!node) return;
    node.textContent = "";
    var field = node.id && document.querySelector("[aria-describedby~='" + node.id + "']");
    if (field) field.removeAttribute("aria-invalid");
  }
  function showAlert(message) {
    alertBox.textContent = message;
    alertBox.hidden = !message;
    if (message) { alertBox.focus({ preventScroll: true }); alertBox.scrollIntoView({ block: "center", behavior: "smooth" }); }
  }
  function clearErrors() {
    document.querySelectorAll(".field-error").forEach(clearError);
    showAlert("");
  }
  // Puts each field error next to its field (items.N.* next to the product of line N); the rest goes on top.
  function showErrors(error, lineProducts) {
    var fields = error.fields || {};
    var leftovers = [];
    var first = null;
    Object.keys(fields).forEach(function (key) {
      var message = fieldMessage(error, key, fields[key]);
      var node = null;
      var line = /^items\.(\d+)/.exec(key);
      if (line && lineProducts && lineProducts[Number(line[1])]) {
        node = lineProducts[Number(line[1])].querySelector("[data-product-error]");
      } else if (key === "items") {
        node = productNodes[0] && productNodes[0].querySelector("[data-product-error]");
      } else {
        node = document.querySelector("[data-error-for~=\"" + CSS.escape(key) + "\"]");
      }
      if (node) { setError(node, message); first = first || node; }
      else leftovers.push(message);
    });
    var top = [];
    if (!Object.keys(fields).length || leftovers.length || TOP_MESSAGES[error.code]) {
      top.push(TOP_MESSAGES[error.code] || (error.code === "validation_error" ? "Periksa kembali isian Anda." : error.message) ||
        "Pesanan belum bisa dibuat. Coba lagi.");
    }
    if (leftovers.length && !TOP_MESSAGES[error.code]) top.push(leftovers.join(" "));
    if (top.length) showAlert(top.join(" "));
    else if (first) first.parentNode.scrollIntoView({ block: "center", behavior: "smooth" });
  }
  function localErrors() {
    var fields = {};
    if (!items().length) fields.items = "Pilih produk dan jumlahnya.";
    if (!trimmed(nameInput)) fields.name = "Nama wajib diisi.";
    if (!trimmed(phoneInput)) fields.phone = "Nomor WhatsApp wajib diisi.";
    if (emailInput && emailInput.required && !trimmed(emailInput)) fields.email = "Email wajib diisi.";
    if (!regionCode()) fields.region_code = "Ketik lalu pilih kecamatan dari daftar.";
    if (addressInput && !trimmed(addressInput)) fields.address = "Alamat wajib diisi.";
    if (notesInput && notesInput.required && !trimmed(notesInput)) fields.notes = "Catatan wajib diisi.";
    if (ratesBox && regionCode() && state.quote && state.quote.rates.length && !state.rate) fields.courier = "Pilih kurir.";
    if (!state.payment) fields.payment_method = PAYMENT_REQUIRED;
    return Object.keys(fields).length ? fields : null;
  }

  // --- submit -----------------------------------------------------------------------------------------------------
  var formNode = $("checkout");
  var submitButton = $("submit");

  function checkoutBody() {
    var body = {
      form: config.slug,
      items: items(),
      name: trimmed(nameInput),
      phone: trimmed(phoneInput),
      region_code: regionCode(),
      payment_method: state.payment,
      website: honeypot.value,
    };
    if (config.store) body.store = config.store;
    if (trimmed(emailInput)) body.email = trimmed(emailInput);
    if (addressInput) body.address = trimmed(addressInput);
    if (state.village && state.village.postal_code) body.postal_code = state.village.postal_code;
    if (trimmed(notesInput)) body.notes = trimmed(notesInput);
    if (state.rate) { body.courier = state.rate.courier; body.courier_service = state.rate.service; }
    if (state.voucher) body.voucher_code = state.voucher;
    if (state.leadToken) body.lead_token = state.leadToken;
    return body;
  }
  function setSubmitting(on) {
    state.submitting = on;
    submitButton.disabled = on;
    submitButton.textContent = on ? "Memproses…" : "Pesan Sekarang";
    submitButton.setAttribute("aria-busy", on ? "true" : "false");
  }
  function safeUrl(url) {
    return typeof url === "string" && (/^https?:\/\//i.test(url) || /^\/(?!\/)/.test(url)) ? url : null;
  }
  function firePurchase(order) {
    var params = { value: order.money.total, currency: "IDR" };
    var fired = false;
    if (window.fbq) { window.fbq("track", "Purchase", params, { eventID: order.number }); fired = true; }
    if (window.ttq) { window.ttq.track("Purchase", params); fired = true; }
    return fired;
  }
  function showWhatsApp(order, url) {
    formNode.hidden = true;
    $("done-number").textContent = order.number;
    var body = $("done-summary").tBodies[0];
    body.textContent = "";
    order.lines.forEach(function (line) {
      body.appendChild(summaryRow(line.product_name + " – " + line.variant_name, rupiah(line.subtotal), "", line.quantity + " × " + rupiah(line.unit_price)));
    });
    body.appendChild(summaryRow("Total", rupiah(order.money.total), "total"));
    $("done-wa").href = url;
    $("done-status").href = safeUrl(order.status_url) || "#";
    $("done").hidden = false;
    window.scrollTo(0, 0);
    window.open(url, "_blank", "noopener");
  }
  function onOrder(order) {
    state.done = true;
    clearTimeout(leadTimer);
    writeLeadToken(null);
    var delay = firePurchase(order) ? 300 : 0;  // give the pixels a moment to send before leaving
    var success = order.success || {};
    var redirect = safeUrl(success.redirect_url);
    var whatsapp = safeUrl(success.whatsapp_url);
    if (success.mode === "whatsapp" && whatsapp) { showWhatsApp(order, whatsapp); return; }
    setTimeout(function () {
      location.assign(success.mode === "redirect" && redirect ? redirect : safeUrl(order.status_url) || "/");
    }, delay);
  }
  function submit() {
    if (state.submitting || state.done) return;
    clearErrors();
    var local = localErrors();
    if (local) {
      showErrors({ code: "local", message: "", fields: local }, []);
      return;
    }
    var body = checkoutBody();
    state.submittedItems = state.itemProducts.slice();
    setSubmitting(true);
    api("POST", "/public/checkout", body, { "Idempotency-Key": idempotencyKey }).then(function (result) {
      if (result.ok && result.data) { onOrder(result.data); return; }
      setSubmitting(false);
      var error = result.error;
      if (result.status === 429) {
        showAlert("Terlalu banyak percobaan. Tunggu " + (result.retryAfter || "beberapa") + " detik lalu tekan Pesan Sekarang lagi.");
      } else if (result.status >= 500) {
        showAlert("Server sedang sibuk. Tunggu sebentar lalu tekan Pesan Sekarang lagi.");
      } else {
        if (error.code && error.code.indexOf("voucher_") === 0) { state.voucher = null; }
        showErrors(error, state.submittedItems);
        scheduleQuote(0);  // stock or prices may have changed: refresh the total
      }
    }).catch(function () {
      setSubmitting(false);
      showAlert("Koneksi terputus. Periksa internet Anda lalu tekan Pesan Sekarang lagi (pesanan tidak akan dobel).");
    });
  }
  formNode.addEventListener("submit", function (event) { event.preventDefault(); submit(); });

  function changed() {
    scheduleQuote();
    scheduleLead();
  }
  renderRates();
  scheduleQuote(0);
})();

// Patron console: the coupon rule form (form[data-coupon-form]).
// - Redraws the coupon as members will see it (#preview-*) as the operator types. The server
//   draws the first one; the benefit is worded as patron_domain::coupons::rule::Terms::describe
//   words it, the rest with the catalogue texts the page hands over in data-texts. Keep the two
//   in step.
// - Shows only the fields of the chosen type and validity type, and only the chosen program's
//   cost centers. Without the script every field shows and the server checks them all.
"use strict";
(function () {
  function fill(template, args) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : whole;
    });
  }

  // Yuan as typed ("12.5", "+3", "0.10") -> fen, or null when it is not an amount.
  function fen(raw) {
    var m = /^\+?(\d*)(?:\.(\d*))?$/.exec(raw.trim());
    if (!m || (m[1] === "" && (m[2] === undefined || m[2] === ""))) return null;
    var decimals = (m[2] || "").replace(/0+$/, "");
    if (decimals.length > 2) return null;
    var whole = m[1] === "" ? 0 : parseInt(m[1], 10);
    var value = whole * 100 + parseInt((decimals + "00").slice(0, 2), 10);
    return value <= 10000000000000 ? value : null;
  }

  // Fen as yuan without trailing zeros: 1000 -> "10", 1050 -> "10.5".
  function yuan(f) {
    var whole = Math.floor(f / 100), cents = f % 100;
    if (cents === 0) return String(whole);
    return whole + "." + (cents % 10 === 0 ? String(cents / 10) : String(cents).padStart(2, "0"));
  }

  // N of N折 -> percent paid ("8" -> 80, "8.5" -> 85), or null.
  function zhe(raw) {
    var text = raw.trim(), parts = text.split(".");
    if (parts.length > 2 || !/^\+?\d+$/.test(parts[0])) return null;
    var tenth = (parts[1] || "").replace(/0+$/, "");
    if (tenth.length > 1 || (tenth !== "" && !/^\d$/.test(tenth))) return null;
    var whole = parseInt(parts[0], 10), percent = whole * 10 + (tenth === "" ? 0 : parseInt(tenth, 10));
    return whole <= 9 && percent >= 1 && percent <= 99 ? percent : null;
  }

  function benefit(e, zh) {
    var kind = e.coupon_type.value, threshold = null;
    var mode = e.threshold_mode ? e.threshold_mode.value : "none";
    if (mode === "min" && e.threshold.value.trim() !== "") {
      threshold = fen(e.threshold.value);
      if (threshold === null) return null;
      if (threshold === 0) threshold = null;
    }
    var when = threshold === null ? (zh ? "无门槛" : "No threshold")
      : (zh ? "满" + yuan(threshold) + "元" : "Spend ¥" + yuan(threshold));
    var what;
    if (kind === "cash_off") {
      if (e.amount_off.value.trim() === "") return null;
      var off = fen(e.amount_off.value);
      if (off === null || off === 0 || (threshold !== null && off > threshold)) return null;
      what = zh ? "减免" + yuan(off) + "元" : "¥" + yuan(off) + " off";
    } else if (kind === "discount") {
      var p = zhe(e.discount.value);
      if (p === null) return null;
      var n = p % 10 === 0 ? String(p / 10) : Math.floor(p / 10) + "." + (p % 10);
      what = zh ? "打" + n + "折" : "pay " + p + "%";
    } else if (kind === "exchange") {
      var sku = e.exchange_sku.value.trim();
      if (sku === "" || Array.from(sku).length > 64) return null;
      what = zh ? "兑换" + sku : "get " + sku + " free";
    } else {
      return null;
    }
    return zh ? when + what : when + ", " + what;
  }

  function days(raw, min, blankAs) {
    var text = raw.trim();
    if (text === "") return blankAs;
    if (!/^[+-]?\d+$/.test(text)) return null;
    var n = parseInt(text, 10);
    return n >= min && n <= 3660 ? n : null;
  }

  function date(raw) {
    var text = raw.trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
    var d = new Date(text + "T00:00:00Z");
    return !isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text ? text : null;
  }

  function validity(e, t) {
    var kind = e.validity_type.value;
    if (kind === "date_range") {
      var from = date(e.valid_from.value), to = date(e.valid_to.value);
      if (from === null || to === null || to < from) return null;
      return fill(t.validity_text_range, { from: from, to: to });
    }
    var start = days(e.start_after_days.value, 0, 0);
    if (start === null) return null;
    if (kind === "duration") {
      var n = days(e.valid_days.value, 1, null);
      if (n === null) return null;
      return start === 0 ? fill(t.validity_text_duration_now, { days: n })
        : fill(t.validity_text_duration_later, { start: start, days: n });
    }
    if (kind === "delayed_fixed_end") {
      var end = date(e.valid_to.value);
      if (end === null) return null;
      return start === 0 ? fill(t.validity_text_delayed_now, { to: end })
        : fill(t.validity_text_delayed_later, { start: start, to: end });
    }
    return null;
  }

  // "HH:MM" or "HH:MM:SS" -> seconds of the day; blank -> fallback; else null.
  function seconds(raw, fallback) {
    var text = raw.trim();
    if (text === "") return fallback;
    var m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
    if (!m) return null;
    var h = parseInt(m[1], 10), mi = parseInt(m[2], 10), s = m[3] ? parseInt(m[3], 10) : 0;
    return h < 24 && mi < 60 && s < 60 ? h * 3600 + mi * 60 + s : null;
  }

  function hms(s) {
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  function usable(f, e, t) {
    var chosen = [];
    f.querySelectorAll("input[name=weekdays]:checked").forEach(function (b) {
      var d = parseInt(b.value, 10);
      if (chosen.indexOf(d) < 0) chosen.push(d);
    });
    if (!chosen.length) return null;
    var from = seconds(e.usable_from.value, 0), to = seconds(e.usable_to.value, 86399);
    if (from === null || to === null || to < from) return null;
    chosen.sort(function (a, b) { return a - b; });
    var names = chosen.length === 7 ? t.every_day
      : chosen.map(function (d) { return t["weekday_" + d]; }).join(t.list_separator);
    return fill(t.usable_text, { days: names, from: hms(from), to: hms(to) });
  }

  function show(id, text) {
    var target = document.getElementById(id);
    if (target) target.textContent = text;
  }

  function render(f, t) {
    var e = f.elements, zh = f.getAttribute("data-lang") === "zh-CN";
    show("preview-title", e.name.value.trim() || t.preview_untitled);
    var b = benefit(e, zh), v = validity(e, t), u = usable(f, e, t);
    show("preview-benefit", b === null ? t.preview_benefit_missing : b);
    show("preview-validity", v === null ? t.preview_validity_missing : v);
    show("preview-usable", u === null ? t.preview_usable_missing : u);
    show("preview-instructions", e.instructions.value.trim());
  }

  // Only the fields of the chosen type and validity type.
  function toggle(f) {
    var kind = f.elements.coupon_type.value, validity = f.elements.validity_type.value;
    f.querySelectorAll("[data-show-type]").forEach(function (el) {
      el.hidden = el.getAttribute("data-show-type") !== kind;
    });
    f.querySelectorAll("[data-show-validity]").forEach(function (el) {
      el.hidden = el.getAttribute("data-show-validity").split(" ").indexOf(validity) < 0;
    });
  }

  // Only the chosen program's cost centers.
  function centers(f) {
    var program = f.elements.program_id, center = f.elements.cost_center_id;
    if (!program || !center || center.tagName !== "SELECT") return;
    var chosen = center.options[center.selectedIndex];
    Array.prototype.forEach.call(center.options, function (o) {
      var other = o.hasAttribute("data-program") && o.getAttribute("data-program") !== program.value;
      o.hidden = other;
      o.disabled = other;
    });
    if (chosen && chosen.disabled) {
      var first = Array.prototype.find.call(center.options, function (o) {
        return o.hasAttribute("data-program") && !o.disabled;
      });
      center.value = first ? first.value : "";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var f = document.querySelector("form[data-coupon-form]");
    if (!f) return;
    var t = {};
    try { t = JSON.parse(f.getAttribute("data-texts") || "{}"); } catch (ignored) { return; }
    var update = function () { toggle(f); centers(f); render(f, t); };
    f.addEventListener("input", update);
    f.addEventListener("change", update);
    update();
  });
})();

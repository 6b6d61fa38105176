// Patron console: the live description of a point rule as the operator types it
// (form[data-rule-form] -> #rule-preview). It builds the same sentences as the server
// (patron_domain::points::describe), which renders the first one; keep the two in step.
"use strict";
(function () {
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // "1.5" -> 15000 (the rate x 10,000), or null when not a rate above 0 with at most 4 decimals.
  function scaled(raw) {
    var m = /^(\d{1,7})(?:\.(\d{0,4}))?$/.exec(raw.trim());
    if (!m) return null;
    var s = parseInt(m[1], 10) * 10000 + parseInt(((m[2] || "") + "0000").slice(0, 4), 10);
    return s > 0 && s <= 10000000000 ? s : null;
  }

  function decimal(n, scale, places) {
    var whole = Math.floor(n / scale), frac = n % scale;
    if (frac === 0) return String(whole);
    return whole + "." + String(frac).padStart(places, "0").replace(/0+$/, "");
  }

  // How much earns one point under a rate below 1, to 2 decimals: [text, exact].
  function inverse(s) {
    return [decimal(Math.floor((1000000 + Math.floor(s / 2)) / s), 100, 2), 1000000 % s === 0];
  }

  function list(raw) {
    var seen = [];
    raw.split(/[,，、;\s]+/).forEach(function (x) {
      if (x && seen.indexOf(x) < 0) seen.push(x);
    });
    return seen;
  }

  // The chosen group's name as a list of one, or none; a typed id (no select) as typed.
  function group(field) {
    if (!field || !field.value.trim()) return [];
    if (field.tagName !== "SELECT") return [field.value.trim()];
    return [field.options[field.selectedIndex].getAttribute("data-name")];
  }

  function whole(raw) {
    return /^\s*\d+\s*$/.test(raw) ? parseInt(raw, 10) : null;
  }

  var DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  function validity(f) {
    var kind = f.elements.validity_type.value;
    if (kind === "fixed_period") {
      var d = whole(f.elements.validity_days.value);
      return d !== null && d >= 1 && d <= 36500 ? { days: d } : null;
    }
    if (kind === "fixed_date") {
      var y = whole(f.elements.validity_years.value), m = whole(f.elements.validity_month.value);
      var day = whole(f.elements.validity_day.value);
      if (y === null || m === null || day === null || y > 100 || m < 1 || m > 12) return null;
      return day >= 1 && day <= DAYS[m - 1] ? { years: y, month: m, day: day } : null;
    }
    return null;
  }

  function en(award, s, upgrade, v, scope) {
    var rate = decimal(s, 10000, 4), unit = award === "amount" ? "¥1" : "unit";
    var out = rate + (s === 10000 ? " point" : " points") + " per " + unit;
    if (s < 10000) {
      var inv = inverse(s), approx = inv[1] ? "" : "≈";
      out += award === "amount" ? " (" + approx + "¥" + inv[0] + " = 1 point)"
                                : " (" + approx + inv[0] + " units = 1 point)";
    }
    var labels = ["at stores", "at stores of the group", "for products",
      "for products of the group", "in categories", "paid by", "for tiers"];
    scope.forEach(function (l, i) { if (l.length) out += " " + labels[i] + " " + l.join(", "); });
    out += upgrade ? ", counts for upgrade, " : ", does not count for upgrade, ";
    if (v.days !== undefined) {
      out += "expires " + v.days + (v.days === 1 ? " day" : " days") + " after earning";
    } else {
      var md = MONTHS[v.month - 1] + " " + v.day;
      out += v.years === 0 ? "expires on " + md + " of the year earned"
        : v.years === 1 ? "expires on " + md + " of the year after earning"
        : "expires on " + md + ", " + v.years + " years after the year earned";
    }
    return out;
  }

  function zh(award, s, upgrade, v, scope) {
    var rate = decimal(s, 10000, 4);
    var out = award === "amount" ? "每消费 ¥1 积 " + rate + " 分" : "每购买 1 件积 " + rate + " 分";
    if (s < 10000) {
      var inv = inverse(s), approx = inv[1] ? "" : "约";
      out += award === "amount" ? "，即" + approx + " ¥" + inv[0] + " 积 1 分"
                                : "，即" + approx + " " + inv[0] + " 件积 1 分";
    }
    var labels = ["适用门店", "适用门店组", "适用商品", "适用商品组", "适用品类", "适用支付方式",
      "适用等级"];
    var parts = [];
    scope.forEach(function (l, i) { if (l.length) parts.push(labels[i] + " " + l.join("、")); });
    if (parts.length) out += "（" + parts.join("；") + "）";
    out += upgrade ? "，计入升级，" : "，不计入升级，";
    if (v.days !== undefined) {
      out += "获得后 " + v.days + " 天过期";
    } else {
      out += v.years === 0 ? "获得当年 " + v.month + " 月 " + v.day + " 日过期"
        : "获得后第 " + v.years + " 年的 " + v.month + " 月 " + v.day + " 日过期";
    }
    return out;
  }

  function render(f) {
    var target = document.getElementById("rule-preview");
    if (!target) return;
    var e = f.elements, s = scaled(e.rate.value), v = validity(f), award = e.award.value;
    if (s === null || v === null || (award !== "amount" && award !== "quantity")) {
      target.textContent = f.getAttribute("data-invalid") || "";
      return;
    }
    var tiers = [];
    f.querySelectorAll("input[name=tier_ids]:checked").forEach(function (b) {
      tiers.push(b.getAttribute("data-name"));
    });
    var scope = [list(e.store_codes.value), group(e.store_group_id), list(e.product_codes.value),
      group(e.product_group_id), list(e.category_codes.value), list(e.payment_method_codes.value),
      tiers];
    var upgrade = e.counts_for_upgrade.checked;
    var lang = f.getAttribute("data-lang") === "zh-CN" ? zh : en;
    target.textContent = lang(award, s, upgrade, v, scope);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var f = document.querySelector("form[data-rule-form]");
    if (!f) return;
    f.addEventListener("input", function () { render(f); });
    f.addEventListener("change", function () { render(f); });
    render(f);
  });
})();

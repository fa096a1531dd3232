// xladdin web page: upload with progress, filters, and a finding's cell shown in the drawn table.
// Plain script, no framework, no build step; the pages also work without it (the form posts).
"use strict";

function setupUpload() {
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  var chosen = document.getElementById("chosen");
  var progress = document.getElementById("progress");
  var fill = document.getElementById("progress-fill");
  var text = document.getElementById("progress-text");
  var error = document.getElementById("upload-error");
  var submit = document.getElementById("submit");

  function showChosen() {
    var names = [];
    for (var i = 0; i < input.files.length; i++) names.push(input.files[i].name);
    chosen.textContent = names.length ? "已选择 " + names.length + " 个文件：" + names.slice(0, 8).join("、") + (names.length > 8 ? "……" : "") : "";
  }
  input.addEventListener("change", showChosen);
  ["dragenter", "dragover"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      showChosen();
    }
  });

  function fail(message) {
    progress.hidden = true;
    error.textContent = message;
    error.hidden = false;
    submit.disabled = false;
  }

  form.addEventListener("submit", function (e) {
    if (!window.XMLHttpRequest || !window.FormData) return; // the plain form post still works
    e.preventDefault();
    if (!input.files.length) { fail("请先选择要上传的工作簿。"); return; }
    error.hidden = true;
    submit.disabled = true;
    progress.hidden = false;
    fill.classList.remove("indeterminate");
    fill.style.width = "0%";
    text.textContent = "正在上传……";
    var xhr = new XMLHttpRequest();
    var seen = 0;
    var finished = false;
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/x-ndjson");
    xhr.upload.onprogress = function (ev) {
      if (ev.lengthComputable) {
        var pct = Math.round(ev.loaded * 100 / ev.total);
        fill.style.width = pct + "%";
        text.textContent = "正在上传 " + pct + "%";
      }
    };
    xhr.upload.onload = function () {
      fill.style.width = "";  // the moving bar's own width
      fill.classList.add("indeterminate");
      text.textContent = "上传完成，正在检查……";
    };
    function readLines() {
      var body = xhr.responseText;
      var end = body.lastIndexOf("\n");
      if (end < seen) return;
      var lines = body.slice(seen, end).split("\n");
      seen = end + 1;
      lines.forEach(function (line) {
        if (!line.trim()) return;
        var msg;
        try { msg = JSON.parse(line); } catch (err) { return; }
        if (msg.url) { finished = true; window.location.href = msg.url; return; }
        if (msg.error) { finished = true; fail(msg.error); return; }
        if (msg.text) {
          var where = msg.total > 1 ? "（第 " + (Math.min(msg.done + 1, msg.total)) + " 个，共 " + msg.total + " 个）" : "";
          text.textContent = msg.text + where;
          if (msg.total > 1) {  // one workbook: the bar keeps moving until it is done
            fill.classList.remove("indeterminate");
            fill.style.width = Math.round(msg.done * 100 / msg.total) + "%";
          }
        }
      });
    }
    xhr.onprogress = readLines;
    xhr.onload = function () {
      readLines();
      if (finished) return;
      var message = "上传失败（" + xhr.status + "）。";
      try { message = JSON.parse(xhr.responseText).error || message; } catch (err) { /* not JSON */ }
      fail(message);
    };
    xhr.onerror = function () { fail("与服务器的连接中断，请检查网络后重试。"); };
    xhr.send(new FormData(form));
  });
}

function setupFindings() {
  var list = document.getElementById("findings");
  if (!list) return;
  var items = Array.prototype.slice.call(list.querySelectorAll(".finding"));
  var project = document.getElementById("filter-project");
  var rule = document.getElementById("filter-rule");
  var severities = Array.prototype.slice.call(document.querySelectorAll(".filter-severity"));
  var shown = document.getElementById("shown-count");

  function showProject(index) {
    document.querySelectorAll(".project").forEach(function (p) { p.hidden = p.getAttribute("data-project") !== String(index); });
    document.querySelectorAll(".tab").forEach(function (t) { t.classList.toggle("active", t.getAttribute("data-project") === String(index)); });
  }

  function applyFilters() {
    var wanted = {};
    severities.forEach(function (c) { wanted[c.value] = c.checked; });
    var n = 0;
    items.forEach(function (li) {
      var ok = wanted[li.getAttribute("data-severity")] &&
        (!project.value || li.getAttribute("data-project") === project.value) &&
        (!rule.value || li.getAttribute("data-rule") === rule.value);
      li.hidden = !ok;
      if (ok) n++;
    });
    document.querySelectorAll(".group").forEach(function (g) {
      var visible = g.querySelectorAll(".finding:not([hidden])").length;
      var count = g.querySelector(".count");
      var total = count.getAttribute("data-total");
      count.textContent = visible === Number(total) ? total : visible + " / " + total;
      g.hidden = !wanted[g.getAttribute("data-severity")];
    });
    shown.textContent = "显示 " + n + " / " + items.length + " 条";
    if (project.value) showProject(project.value);
  }

  function select(li) {
    items.forEach(function (x) { x.classList.remove("selected"); });
    li.classList.add("selected");
    var p = li.getAttribute("data-project");
    if (p === "") return;
    showProject(p);
    document.querySelectorAll("td.current").forEach(function (td) { td.classList.remove("current"); });
    var target = li.getAttribute("data-target");
    var td = target && document.getElementById(target);
    if (td) {
      td.classList.add("current");
      td.scrollIntoView({ block: "center", inline: "center" });
    }
  }

  items.forEach(function (li) {
    li.addEventListener("click", function () { select(li); });
    li.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(li); } });
  });
  document.querySelectorAll(".tab").forEach(function (t) {
    t.addEventListener("click", function () { showProject(t.getAttribute("data-project")); });
  });
  [project, rule].forEach(function (s) { s.addEventListener("change", applyFilters); });
  severities.forEach(function (c) { c.addEventListener("change", applyFilters); });
  applyFilters();
}

function setupDownloads() {
  // A download can take a few seconds (a PDF: LibreOffice); say so on the button meanwhile.
  document.querySelectorAll("a[data-busy]").forEach(function (a) {
    a.addEventListener("click", function () {
      var label = a.textContent;
      a.classList.add("busy");
      a.textContent = a.getAttribute("data-busy");
      setTimeout(function () { a.classList.remove("busy"); a.textContent = label; }, 4000);
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  setupUpload();
  setupFindings();
  setupDownloads();
});

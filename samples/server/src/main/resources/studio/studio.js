// diffuse4j studio: talks to the job API (/api) of the server that serves this page.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { job: null, events: null, lastSeed: null, hasInit: false, maskPainted: false, info: null };

function setStatus(text, error) {
  $("status").textContent = text;
  $("status").classList.toggle("error", !!error);
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error(data && data.detail ? data.detail : res.status + " " + res.statusText);
    err.status = res.status;
    throw err;
  }
  return data;
}

async function loadInfo() {
  const info = await api("GET", "/api/info");
  state.info = info;
  const sched = $("scheduler");
  const keep = sched.value;
  sched.innerHTML = "";
  const dflt = document.createElement("option");
  dflt.value = "";
  dflt.textContent = "model default (" + info.defaults.scheduler + ")";
  sched.appendChild(dflt);
  for (const s of info.schedulers) {
    const o = document.createElement("option");
    o.value = s.name;
    o.textContent = s.a1111 === s.name ? s.name : s.a1111 + " (" + s.name + ")";
    sched.appendChild(o);
  }
  sched.value = keep;
  const model = $("model");
  model.innerHTML = "";
  for (const m of info.models) {
    const o = document.createElement("option");
    o.value = m;
    o.textContent = m;
    model.appendChild(o);
  }
  model.value = info.model;
  for (const [id, key] of [["steps", "steps"], ["guidance", "guidance"], ["width", "width"], ["height", "height"]]) {
    if (!$(id).value) $(id).value = info.defaults[key];
    $(id).placeholder = info.defaults[key];
  }
  $("width").step = $("height").step = info.defaults.size_multiple;
  $("batch").max = info.limits.max_images;
  $("server-status").textContent = "model " + info.model + " · " + info.schedulers.length + " schedulers";
}

function numberOrNull(id) {
  const v = $(id).value;
  return v === "" ? null : Number(v);
}

function requestBody() {
  const body = {
    prompt: $("prompt").value,
    negative_prompt: $("negative").value,
    steps: numberOrNull("steps"),
    guidance: numberOrNull("guidance"),
    width: numberOrNull("width"),
    height: numberOrNull("height"),
    images: numberOrNull("batch") || 1,
    preview_every: numberOrNull("preview-every") ?? 1,
    seed: $("random-seed").checked ? -1 : numberOrNull("seed"),
  };
  if ($("scheduler").value) body.scheduler = $("scheduler").value;
  if (state.hasInit) {
    body.init_image = $("init-canvas").toDataURL("image/png");
    body.strength = numberOrNull("strength");
    if (state.maskPainted) body.mask = $("mask-canvas").toDataURL("image/png");
  }
  return body;
}

function busy(on) {
  $("generate").disabled = on;
  $("cancel").disabled = !on;
}

async function generate() {
  const body = requestBody();
  setStatus("queued…");
  $("warnings").innerHTML = "";
  $("progress-bar").style.width = "0";
  let job;
  try {
    job = await api("POST", "/api/jobs", body);
  } catch (e) {
    setStatus(e.message, true);
    return;
  }
  state.job = job.id;
  busy(true);
  const previews = $("previews");
  previews.innerHTML = "";
  previews.dataset.frames = "0";
  previews.dataset.job = job.id;
  const es = new EventSource("/api/jobs/" + job.id + "/events");
  state.events = es;
  es.addEventListener("state", (ev) => {
    const d = JSON.parse(ev.data);
    setStatus(d.state === "running" ? "running…" : d.state);
  });
  es.addEventListener("step", (ev) => {
    const d = JSON.parse(ev.data);
    $("progress-bar").style.width = (100 * d.step / d.total) + "%";
    setStatus("step " + d.step + " / " + d.total);
    previews.dataset.step = d.step;
    if (d.previews) {
      d.previews.forEach((src, i) => {
        let img = previews.children[i];
        if (!img) {
          img = document.createElement("img");
          img.alt = "preview " + (i + 1);
          previews.appendChild(img);
        }
        img.src = src;
      });
      previews.dataset.frames = String(Number(previews.dataset.frames) + 1);
    }
  });
  es.addEventListener("warning", (ev) => {
    const li = document.createElement("li");
    li.textContent = JSON.parse(ev.data).message;
    $("warnings").appendChild(li);
  });
  const finish = () => {
    es.close();
    state.events = null;
    state.job = null;
    busy(false);
  };
  es.addEventListener("done", async (ev) => {
    const d = JSON.parse(ev.data);
    finish();
    $("progress-bar").style.width = "100%";
    setStatus("done: " + d.images.length + " image(s)");
    for (const im of d.images) {
      await addToGallery(im.url);
    }
  });
  es.addEventListener("failed", (ev) => {
    finish();
    setStatus(JSON.parse(ev.data).detail, true);
  });
  es.addEventListener("cancelled", (ev) => {
    finish();
    setStatus("cancelled after " + JSON.parse(ev.data).step + " step(s)");
  });
  es.onerror = () => {
    if (state.events === es) {
      finish();
      setStatus("lost the connection to the server", true);
    }
  };
}

async function cancel() {
  if (!state.job) return;
  setStatus("cancelling…"); // before the request: the stream's "cancelled" may arrive before its answer
  try {
    await api("DELETE", "/api/jobs/" + state.job);
  } catch (e) {
    setStatus(e.message, true);
  }
}

// ---- gallery: parameters are read back from each PNG's text chunks ----

const PARAM_ORDER = ["prompt", "negative_prompt", "seed", "steps", "guidance", "scheduler", "width", "height",
  "strength", "model", "image_index"];

async function addToGallery(url) {
  const res = await fetch(url);
  const buf = await res.arrayBuffer();
  const text = pngText(buf);
  const params = {};
  for (const [k, v] of Object.entries(text)) {
    if (k.startsWith("diffuse4j:")) params[k.substring(10)] = v;
  }
  if (params.prompt_utf8 !== undefined) {
    params.prompt = params.prompt_utf8;
    delete params.prompt_utf8;
  }
  const blobUrl = URL.createObjectURL(new Blob([buf], { type: "image/png" }));
  const item = document.createElement("div");
  item.className = "gallery-item";
  item.dataset.seed = params.seed;
  const img = document.createElement("img");
  img.src = blobUrl;
  img.alt = params.prompt || "generated image";
  item.appendChild(img);
  const dl = document.createElement("dl");
  dl.className = "params";
  for (const k of PARAM_ORDER) {
    if (params[k] === undefined || params[k] === "") continue;
    const dt = document.createElement("dt");
    dt.textContent = k.replace("_", " ");
    const dd = document.createElement("dd");
    dd.textContent = params[k];
    dd.dataset.key = k;
    dl.append(dt, dd);
  }
  item.appendChild(dl);
  const use = document.createElement("button");
  use.className = "use-settings";
  use.textContent = "use these settings";
  use.onclick = () => useSettings(params);
  const toInit = document.createElement("button");
  toInit.className = "to-img2img";
  toInit.textContent = "img2img";
  toInit.onclick = () => loadInit(blobUrl);
  item.append(use, toInit);
  $("gallery").prepend(item);
  state.lastSeed = params.seed;
}

function useSettings(p) {
  $("prompt").value = p.prompt || "";
  $("negative").value = p.negative_prompt || "";
  if (p.seed !== undefined) {
    $("seed").value = p.seed;
    $("random-seed").checked = false;
  }
  for (const k of ["steps", "guidance", "width", "height"]) {
    if (p[k] !== undefined) $(k).value = p[k];
  }
  if (p.scheduler) $("scheduler").value = p.scheduler;
  if (p.strength !== undefined) $("strength").value = p.strength;
  setStatus("settings of seed " + p.seed + " loaded");
}

// ---- image to image and the mask canvas ----

function loadInit(src) {
  const img = new Image();
  img.onload = () => {
    for (const id of ["init-canvas", "mask-overlay", "mask-canvas"]) {
      $(id).width = img.naturalWidth;
      $(id).height = img.naturalHeight;
    }
    $("init-canvas").getContext("2d").drawImage(img, 0, 0);
    clearMask();
    state.hasInit = true;
    $("init-area").classList.remove("hidden");
    setStatus("image loaded for image-to-image: paint to inpaint");
  };
  img.src = src;
}

function clearMask() {
  const m = $("mask-canvas").getContext("2d");
  m.fillStyle = "#000";
  m.fillRect(0, 0, $("mask-canvas").width, $("mask-canvas").height);
  $("mask-overlay").getContext("2d").clearRect(0, 0, $("mask-overlay").width, $("mask-overlay").height);
  state.maskPainted = false;
}

function paintAt(ev, from) {
  const c = $("mask-overlay");
  const r = c.getBoundingClientRect();
  const x = (ev.clientX - r.left) * c.width / r.width;
  const y = (ev.clientY - r.top) * c.height / r.height;
  const radius = Math.max(0.5, Number($("brush").value) * c.width / 256);
  for (const [canvas, color] of [[c, "rgba(255, 64, 64, 0.6)"], [$("mask-canvas"), "#fff"]]) {
    const g = canvas.getContext("2d");
    g.fillStyle = color;
    g.strokeStyle = color;
    g.lineWidth = 2 * radius;
    g.lineCap = "round";
    g.beginPath();
    if (from) {
      g.moveTo(from.x, from.y);
      g.lineTo(x, y);
      g.stroke();
    } else {
      g.arc(x, y, radius, 0, 2 * Math.PI);
      g.fill();
    }
  }
  state.maskPainted = true;
  return { x, y };
}

function setupMask() {
  const c = $("mask-overlay");
  let last = null;
  c.addEventListener("pointerdown", (ev) => { c.setPointerCapture(ev.pointerId); last = paintAt(ev, null); });
  c.addEventListener("pointermove", (ev) => { if (last) last = paintAt(ev, last); });
  c.addEventListener("pointerup", () => { last = null; });
  c.addEventListener("pointercancel", () => { last = null; });
}

async function switchModel() {
  const name = $("model").value;
  setStatus("loading model " + name + "…");
  $("model").disabled = true;
  try {
    await api("POST", "/api/model", { name });
    await loadInfo();
    setStatus("model " + name + " loaded");
  } catch (e) {
    setStatus(e.message, true);
    await loadInfo();
  } finally {
    $("model").disabled = false;
  }
}

window.addEventListener("DOMContentLoaded", () => {
  $("generate").onclick = generate;
  $("cancel").onclick = cancel;
  $("reuse-seed").onclick = () => {
    if (state.lastSeed !== null) {
      $("seed").value = state.lastSeed;
      $("random-seed").checked = false;
    }
  };
  $("init-file").onchange = (ev) => {
    const f = ev.target.files[0];
    if (f) loadInit(URL.createObjectURL(f));
  };
  $("clear-mask").onclick = clearMask;
  $("clear-init").onclick = () => {
    state.hasInit = false;
    state.maskPainted = false;
    $("init-area").classList.add("hidden");
    $("init-file").value = "";
  };
  $("model").onchange = switchModel;
  setupMask();
  loadInfo().catch((e) => setStatus("cannot reach the server: " + e.message, true));
});

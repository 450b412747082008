// Drives ./diffuse serve with the unmodified npm package stable-diffusion-api (written for the
// AUTOMATIC1111 web UI) and prints a JSON summary; the Java test (A1111ClientTest) checks it.
// usage: node a1111-client.js BASE_URL OUT_DIR
"use strict";
const path = require("path");
const fs = require("fs");
const sharp = require("sharp");
const { StableDiffusionApi } = require("stable-diffusion-api");

async function main() {
  const [baseUrl, out] = process.argv.slice(2);
  fs.mkdirSync(out, { recursive: true });
  const api = new StableDiffusionApi({ baseUrl, timeout: 120000 });
  const summary = {};

  summary.samplers = (await api.getSamplers()).map((s) => s.name);
  summary.models = (await api.getSdModels()).map((m) => m.title);
  summary.current_model = await api.getCurrentModel();

  const t2i = await api.txt2img({
    prompt: "a red circle on a blue background", seed: 1234, steps: 8, cfg_scale: 3, width: 64, height: 64,
    sampler_name: "Euler a",
  });
  summary.txt2img_info = JSON.parse(t2i.info);
  await t2i.image.toFile(path.join(out, "txt2img.png"));

  const random = await api.txt2img({
    prompt: "a green square on a white background", steps: 8, cfg_scale: 3, width: 64, height: 64,
    sampler_name: "DPM++ 2M Karras",
  });
  summary.random_info = JSON.parse(random.info);
  await random.image.toFile(path.join(out, "random.png"));
  const again = await api.txt2img({
    prompt: "a green square on a white background", seed: summary.random_info.seed, steps: 8, cfg_scale: 3,
    width: 64, height: 64, sampler_name: "DPM++ 2M Karras",
  });
  await again.image.toFile(path.join(out, "random-again.png"));

  const i2i = await api.img2img({
    init_images: [sharp(path.join(out, "txt2img.png"))], prompt: "a red circle on a blue background",
    seed: 99, steps: 8, cfg_scale: 3, width: 64, height: 64, denoising_strength: 0.6, sampler_name: "DDIM", eta: 0,
  });
  summary.img2img_info = JSON.parse(i2i.info);
  await i2i.image.toFile(path.join(out, "img2img.png"));

  // a long run: poll its progress until a preview comes, then interrupt it
  const long = api.txt2img({
    prompt: "a blue triangle on a yellow background", seed: 5, steps: 150, cfg_scale: 3, width: 64, height: 64,
  });
  let progress = null;
  for (let i = 0; i < 600; i++) {
    const p = await api.getProgress();
    if (p.current_image && p.progress > 0) {
      progress = p;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  summary.progress = progress && { progress: progress.progress, eta_relative: progress.eta_relative,
    state: progress.state, current_image_bytes: Buffer.from(progress.current_image, "base64").length };
  if (progress) {
    const meta = await sharp(Buffer.from(progress.current_image, "base64")).metadata();
    summary.progress.current_image_size = [meta.width, meta.height];
    fs.writeFileSync(path.join(out, "progress.png"), Buffer.from(progress.current_image, "base64"));
  }
  // the client has no interrupt method; it is sent through the client's own HTTP instance
  await api.api.post("/sdapi/v1/interrupt");
  const interrupted = await long;
  summary.interrupted_info = JSON.parse(interrupted.info);
  summary.interrupted_images = interrupted.images.length;
  const after = await api.getProgress();
  summary.after_progress = after.progress;
  console.log("SUMMARY " + JSON.stringify(summary));
}

main().catch((e) => {
  console.error("client failed: " + (e.response ? e.response.status + " " + JSON.stringify(e.response.data) : e.stack));
  process.exit(1);
});

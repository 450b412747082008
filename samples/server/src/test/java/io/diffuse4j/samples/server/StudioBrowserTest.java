package io.diffuse4j.samples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web studio in the system's headless Debian Chromium ({@code /usr/bin/chromium} through
 * {@code /usr/bin/chromedriver}; Selenium Manager is never asked to download anything): type a
 * prompt, generate, watch preview frames arrive, cancel a run, paint a mask and inpaint, read the
 * parameters in the gallery. Screenshots are kept under {@code target/screenshots/}.
 */
class StudioBrowserTest {

  static DiffuseServer server;
  static ChromeDriver driver;
  static Path profile;
  static final Path SHOTS = Path.of("target/screenshots");

  @BeforeAll
  static void start() throws Exception {
    server = DiffuseServer.start(ServerSettings.defaults().withPort(0), w -> { });
    profile = Files.createTempDirectory("diffuse4j-chromium-profile");
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
        "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort()
        .withEnvironment(Map.of("SE_AVOID_STATS", "true", "SE_OFFLINE", "true")).build();
    driver = new ChromeDriver(service, o);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    server.close();
  }

  static WebDriverWait waitUp(int seconds) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds));
  }

  static void shot(String name) throws Exception {
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  static void set(String id, String value) {
    WebElement e = driver.findElement(By.id(id));
    e.clear();
    e.sendKeys(value);
  }

  static int frames() {
    return Integer.parseInt(driver.findElement(By.id("previews")).getAttribute("data-frames"));
  }

  static List<WebElement> gallery() {
    return driver.findElements(By.cssSelector("#gallery .gallery-item"));
  }

  @Test
  void generateCancelInpaintAndReadParametersBack() throws Exception {
    Http http = new Http(server.port());
    driver.get("http://127.0.0.1:" + server.port() + "/");
    waitUp(30).until(d -> new Select(d.findElement(By.id("scheduler"))).getOptions().size() > 5);
    assertThat(new Select(driver.findElement(By.id("model"))).getFirstSelectedOption().getText()).isEqualTo("bundled");

    // 1. text to image with live previews
    set("prompt", "a red circle on a blue background");
    set("steps", "16");
    driver.findElement(By.id("random-seed")).click(); // off: use the seed typed
    set("seed", "42");
    new Select(driver.findElement(By.id("scheduler"))).selectByValue("euler-a");
    driver.findElement(By.id("generate")).click();
    waitUp(60).until(d -> frames() >= 2);
    waitUp(90).until(d -> gallery().size() == 1);
    assertThat(frames()).as("previews arrived while it ran").isGreaterThanOrEqualTo(2);
    assertThat(driver.findElement(By.id("previews")).getAttribute("data-step")).isEqualTo("16");
    WebElement first = gallery().get(0);
    assertThat(first.findElement(By.cssSelector("dd[data-key=seed]")).getText()).isEqualTo("42");
    assertThat(first.findElement(By.cssSelector("dd[data-key=prompt]")).getText())
        .isEqualTo("a red circle on a blue background");
    assertThat(first.findElement(By.cssSelector("dd[data-key=scheduler]")).getText()).isEqualTo("euler-a");
    assertThat(first.findElement(By.cssSelector("dd[data-key=steps]")).getText()).isEqualTo("16");
    shot("1-generated.png");

    // 2. a long run, cancelled once previews arrive
    set("steps", "150");
    driver.findElement(By.id("generate")).click();
    waitUp(60).until(d -> d.findElement(By.id("cancel")).isEnabled() && frames() >= 1);
    shot("2-running.png");
    driver.findElement(By.id("cancel")).click();
    waitUp(60).until(d -> d.findElement(By.id("status")).getText().startsWith("cancelled after"));
    assertThat(gallery()).hasSize(1);
    JsonNode jobs = http.get("/api/jobs").json();
    assertThat(jobs.get(jobs.size() - 1).get("state").asText()).isEqualTo("cancelled");

    // 3. an uploaded start image, then a gallery image, to image-to-image; paint a mask, inpaint
    Path upload = Files.createTempFile(profile, "upload", ".png");
    java.awt.image.BufferedImage square = new java.awt.image.BufferedImage(64, 64,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = square.createGraphics();
    g.setColor(java.awt.Color.BLUE);
    g.fillRect(0, 0, 64, 64);
    g.setColor(java.awt.Color.RED);
    g.fillRect(16, 16, 32, 32);
    g.dispose();
    javax.imageio.ImageIO.write(square, "png", upload.toFile());
    driver.findElement(By.id("init-file")).sendKeys(upload.toAbsolutePath().toString());
    waitUp(10).until(d -> d.findElement(By.id("status")).getText().startsWith("image loaded"));
    Object red = driver.executeScript("return Array.from(document.getElementById('init-canvas').getContext('2d')"
        + ".getImageData(32, 32, 1, 1).data).slice(0, 3).join(',')");
    assertThat(red).as("the uploaded image is on the start-image canvas").isEqualTo("255,0,0");
    first.findElement(By.cssSelector("button.to-img2img")).click();
    waitUp(10).until(d -> d.findElement(By.id("mask-overlay")).isDisplayed());
    WebElement overlay = driver.findElement(By.id("mask-overlay"));
    driver.executeScript("document.getElementById('brush').value = 20");
    new Actions(driver).moveToElement(overlay, -70, -50).clickAndHold().moveByOffset(40, 0).moveByOffset(40, 0)
        .moveByOffset(40, 0).moveByOffset(0, 30).moveByOffset(-40, 0).moveByOffset(-40, 0).moveByOffset(-40, 0)
        .moveByOffset(0, 30).moveByOffset(40, 0).moveByOffset(40, 0).moveByOffset(40, 0).release().perform();
    set("steps", "10");
    set("strength", "1");
    set("prompt", "a green circle on a blue background");
    driver.findElement(By.id("generate")).click();
    waitUp(90).until(d -> gallery().size() == 2);
    jobs = http.get("/api/jobs").json();
    JsonNode inpaint = jobs.get(jobs.size() - 1);
    assertThat(inpaint.get("mode").asText()).isEqualTo("inpaint");
    assertThat(inpaint.get("state").asText()).isEqualTo("done");
    WebElement newest = gallery().get(0);
    assertThat(newest.findElement(By.cssSelector("dd[data-key=strength]")).getText()).isEqualTo("1");
    assertThat(newest.findElement(By.cssSelector("dd[data-key=steps]")).getText()).isEqualTo("10");

    // 4. "use these settings" restores the first image's parameters
    set("prompt", "something else");
    driver.findElement(By.id("random-seed")).click();
    set("seed", "7");
    gallery().get(1).findElement(By.cssSelector("button.use-settings")).click();
    assertThat(driver.findElement(By.id("prompt")).getAttribute("value")).isEqualTo("a red circle on a blue background");
    assertThat(newest.findElement(By.cssSelector("dd[data-key=prompt]")).getText())
        .isEqualTo("a green circle on a blue background");
    assertThat(driver.findElement(By.id("seed")).getAttribute("value")).isEqualTo("42");
    assertThat(driver.findElement(By.id("steps")).getAttribute("value")).isEqualTo("16");
    shot("3-inpainted-gallery.png");
  }
}

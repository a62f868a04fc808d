package io.switchboard.deploy;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox web chat in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, driven by Selenium) against a whole node (role all: gateway and executor)
 * on real PostgreSQL. Skipped, saying so, where no chromium or chromedriver is installed.
 */
@DisplayName("Sandbox web chat in a real headless Chromium")
class SandboxBrowserTest {

  /** Generous: the first page load starts Chromium; every wait polls and ends as soon as the page is ready. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  private SwitchboardNode node;
  private WebDriver browser;

  @BeforeEach
  void start() {
    Optional<Path> chromium = executable("SWITCHBOARD_TEST_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
    Optional<Path> driver = executable("SWITCHBOARD_TEST_CHROMEDRIVER", "chromedriver");
    Assumptions.assumeTrue(chromium.isPresent() && driver.isPresent(),
        "No chromium/chromedriver on PATH (install Debian's chromium and chromium-driver): the browser test is skipped");
    DatabaseUrl database = TestDatabase.fresh();
    Map<String, String> env = new HashMap<>(Map.of(
        "SWITCHBOARD_DATABASE_URL", database.withCredentials(),
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile(),
        "SWITCHBOARD_DEMO_TENANT", "true",
        "SWITCHBOARD_SANDBOX_ENABLED", "true",
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_EXECUTOR_POLL_MILLIS", "200"));
    node = SwitchboardNode.start(SwitchboardConfig.fromEnv(env), TestSecrets.SETTINGS, Role.ALL);
    ChromeOptions options = new ChromeOptions().setBinary(chromium.get().toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1100,900");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  @DisplayName("open the page, type help, run echo hi, see the result appear; markup in a command stays text")
  void helpAndEcho() throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    browser.get("http://127.0.0.1:" + node.httpPort() + "/");
    wait.until(d -> "alice".equals(((JavascriptExecutor) d).executeScript("return document.getElementById('user').value")));

    assertThat(browser.findElement(By.id("welcome")).getText()).contains("whoami").contains("echo hi")
        .contains("deploy staging api --version 1.4.2").contains("docs/sandbox.md");
    browser.findElement(By.cssSelector("button.suggestion[data-command='whoami']")).click();
    assertThat(browser.findElement(By.id("command")).getAttribute("value")).isEqualTo("whoami");
    browser.findElement(By.id("command")).clear();

    send("help");
    WebElement help = wait.until(d -> d.findElements(By.cssSelector("#channel .message.bot")).stream()
        .filter(m -> m.getText().contains("Commands you can run here")).findFirst().orElse(null));
    assertThat(help.getText()).contains("whoami").contains("echo");
    assertThat(channel().getText()).contains("alice");
    assertThat(help.findElement(By.cssSelector("time.time")).getText()).matches(".*\\d{1,2}:\\d{2}:\\d{2}.*");

    send("echo hi");
    WebElement result = wait.until(d -> d.findElements(By.cssSelector("#channel .card.succeeded")).stream()
        .filter(card -> card.getText().contains("echo hi")).findFirst().orElse(null));
    assertThat(result.findElement(By.cssSelector("pre.output")).getText()).isEqualTo("hi");

    send("echo <img src=x onerror=\"document.title='pwned'\"><b>bold</b>");
    wait.until(d -> d.findElements(By.cssSelector("#channel .card.succeeded")).size() == 2);
    assertThat(browser.findElements(By.cssSelector("#channel img, #channel b"))).isEmpty();
    assertThat(channel().getText()).contains("<b>bold</b>");
    assertThat(browser.getTitle()).isEqualTo("Switchboard sandbox");

    Path shot = Path.of("target", "sandbox-screenshot.png").toAbsolutePath();
    Files.createDirectories(shot.getParent());
    File taken = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(taken.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(shot)).isPositive();
    System.out.println("Sandbox screenshot: " + shot);
  }

  private void send(String command) {
    WebElement input = browser.findElement(By.id("command"));
    input.sendKeys(command);
    input.sendKeys(Keys.ENTER);
  }

  private WebElement channel() {
    return browser.findElement(By.id("channel"));
  }

  /** The first of {@code names} on PATH, or the file named by the environment variable {@code override}. */
  private static Optional<Path> executable(String override, String... names) {
    String given = System.getenv(override);
    if (given != null && !given.isBlank()) {
      return Optional.of(Path.of(given)).filter(Files::isExecutable);
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String name : names) {
      for (String dir : List.of(path.split(File.pathSeparator))) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}

package io.switchboard.server.pages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the browser tests (*BrowserIT): Debian's {@code chromium} driven by
 * its own {@code chromedriver}, both named explicitly so Selenium Manager never downloads anything.
 * Each instance is a fresh profile (its own storage, like a separate browser profile). Screenshots
 * go to {@code target/screenshots/}, or to {@code -Dscreenshots.dir} ({@code bench/screenshots.sh}
 * points it at {@code docs/images}).
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  /** Generous: two cores shared by many builds. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final Path profile;
  private final WebDriver driver;

  public Browser() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER))
      throw new IllegalStateException(
          "The browser tests need Debian's chromium and chromium-driver ("
              + CHROMIUM
              + ", "
              + DRIVER
              + "): run bin/ensure-browser.sh (as root) to install them");
    try {
      profile = Files.createTempDirectory("sb-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile,
        "--window-size=1400,900");
    var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1400, 900));
    driver.manage().timeouts().pageLoadTimeout(WAIT);
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Waits (up to {@link #WAIT}) until {@code condition} gives a non-null, non-false value. */
  public <T> T await(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).until(condition);
  }

  /** The visible element {@code by}, once it is there. */
  public WebElement visible(By by) {
    return await(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Waits until the element's text contains {@code text}; returns the element. */
  public WebElement awaitText(By by, String text) {
    await(ExpectedConditions.textToBePresentInElementLocated(by, text));
    return driver.findElement(by);
  }

  /**
   * Signs in on the server's real sign-in page ({@code /oauth/authorize}), which the page under
   * test has redirected to: waits for the form, types the user name and password, submits.
   */
  public void signIn(String username, String password) {
    await(ExpectedConditions.urlContains("/oauth/authorize"));
    WebElement user = visible(By.name("username"));
    user.clear();
    user.sendKeys(username);
    driver.findElement(By.name("password")).sendKeys(password);
    driver.findElement(By.cssSelector("form button[type=submit]")).click();
  }

  /** Saves a PNG of the window as {@code <dir>/<name>.png} and returns its path. */
  public Path screenshot(String name) {
    Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(file, png);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A leftover temporary profile is harmless.
      }
    }
  }
}

package io.hastegw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real browser: Debian's Chromium, headless, through WebDriver
 * (chromium-driver), against a real gateway (the HASTE scene-detector) on the real Mosquitto. The
 * page's numbers match /status, a frame sent over MQTT shows up in its counters with its latest
 * picture (boxes drawn) and labels, a control change from the page reaches the gateway and is
 * refused without the token, a camera id holding markup is shown as text, and a screenshot of the
 * page is written to target/console/console.png.
 */
@Tag("browser")
class ConsoleBrowserTest {
    private static final String TOKEN = "a-console-token-of-32-characters";
    private static final String HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)";
    private static Path dir;
    private static GatewayFixture gateway;
    private static MqttTestClient client;
    private static WebDriver browser;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("haste-console-test");
        Path token = Files.writeString(dir.resolve("console.token"), TOKEN + "\n");
        port = LocalMosquitto.freePort();
        String id = "con" + UUID.randomUUID().toString().substring(0, 6);
        client = new MqttTestClient("haste/" + id + "/#");
        gateway = new GatewayFixture(TestModels.hasteDetector(), "model.card=" + TestModels.detectorCard(), "gateway_id=" + id, "model.level=1",
                "http.enabled=true", "http.port=" + port, "http.console=true", "http.console_token_file=" + token).ready();
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,720",
                        "--user-data-dir=" + dir.resolve("profile"));
        browser = new ChromeDriver(service, options);
        browser.get("http://127.0.0.1:" + port + "/console/");
        waitFor(() -> !text("level").equals("…") && !text("level").isEmpty());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        client.close();
        gateway.close();
        TestPlugins.deleteTree(dir);
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** Waits for {@code condition}; an element the live page replaced while it was read (stale) is read again. */
    private static void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }

    private static void send(String camera, String frameId) throws Exception {
        client.publish("haste/" + gateway.running.config().gatewayId() + "/cameras/" + camera + "/frames",
                Files.readAllBytes(TestModels.scene(3)), "image/jpeg", frameId, null);
        client.await(r -> frameId.equals(r.topic().endsWith("/frames") ? null : r.json().get("frame_id")), 20);
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePagesNumbersMatchStatus() throws Exception {
        Map<String, Object> status = LocalHttp.status(port);
        Map<String, Object> control = (Map<String, Object>) status.get("control");
        waitFor(() -> text("level").equals(String.valueOf(gateway.running.gateway().level())));
        assertEquals(String.valueOf(status.get("level")), text("level"));
        assertEquals(((Map<String, Object>) control.get("settings")).get("mode"), text("mode"));
        assertEquals(String.valueOf(((Number) status.get("levels")).intValue() - 1), text("levels"));
        assertEquals(control.get("reason"), text("reason"));
        Map<String, Object> load = (Map<String, Object>) status.get("load");
        assertEquals(load.get("temperature_c") == null ? "not available on this board" : text("temp"), text("temp"));
        long processed = ((Number) ((Map<String, Object>) status.get("frames")).get("processed")).longValue();
        waitFor(() -> text("processed").equals(String.valueOf(processed)));
        assertEquals("MQTT connected", text("mqtt"));
    }

    @Test
    void aFrameSentOverMqttShowsUpInTheCounters() throws Exception {
        waitFor(() -> !text("processed").equals("…"));
        long before = Long.parseLong(text("processed"));
        send("yard", "counted-1");
        waitFor(() -> Long.parseLong(text("processed")) == before + 1);
        waitFor(() -> !browser.findElements(By.cssSelector("#cameras tr[data-camera='yard']")).isEmpty());
        List<WebElement> cells = browser.findElement(By.cssSelector("#cameras tr[data-camera='yard']")).findElements(By.tagName("td"));
        assertEquals("yard", cells.get(0).getText());
        assertTrue(Long.parseLong(cells.get(5).getText()) >= 1, cells.get(5).getText());
        // Scene 3 holds a frog and a horse, both found with high scores.
        waitFor(() -> browser.findElement(By.cssSelector("#cameras tr[data-camera='yard'] td.labels")).getText().matches("frog \\d+ %, horse \\d+ %"));
        WebElement picture = browser.findElement(By.cssSelector("#cameras tr[data-camera='yard'] img.latest"));
        waitFor(() -> ((Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth", picture))
                .intValue() == 256);
        assertTrue(picture.getAttribute("src").matches("http://127\\.0\\.0\\.1:\\d+/cameras/yard/latest\\.jpg\\?frame=\\d+"),
                picture.getAttribute("src"));
    }

    @Test
    void aControlChangeFromThePageReachesTheGatewayAndIsRefusedWithoutTheToken() {
        new Select(browser.findElement(By.id("set-mode"))).selectByVisibleText("fixed");
        WebElement level = browser.findElement(By.id("set-level"));
        WebElement token = browser.findElement(By.id("set-token"));
        level.clear();
        level.sendKeys("5");
        token.clear();
        browser.findElement(By.id("set-apply")).click();
        waitFor(() -> text("answer").startsWith("refused"));
        assertEquals("refused: no X-Haste-Token header: control needs the console token", text("answer"));
        assertEquals(1, gateway.running.gateway().level(), "unchanged without the token");
        level.clear();
        level.sendKeys("3");
        token.sendKeys(TOKEN);
        browser.findElement(By.id("set-apply")).click();
        waitFor(() -> text("answer").startsWith("accepted"));
        assertEquals("accepted: level 3, mode fixed", text("answer"));
        assertEquals(3, gateway.running.gateway().level());
        waitFor(() -> text("level").equals("3"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void readOnlyLooksReadOnlyAndTheHeaderShowsVersionAndUptime() {
        waitFor(() -> text("uptime").startsWith("up "));
        assertTrue(text("uptime").matches("up \\d+ (s|min \\d+ s)"), text("uptime"));
        assertEquals("version dev", text("version"), "a build from the repository says dev");
        JavascriptExecutor js = (JavascriptExecutor) browser;
        // What a gateway without http.console_token_file sends: control_enabled false.
        Map<String, Object> readOnly = (Map<String, Object>) js.executeScript("render(Object.assign({}, last, {control_enabled: false}));"
                + "const f = document.getElementById('control-form');"
                + "return {disabled: Array.from(f.elements).every(e => e.disabled), opacity: getComputedStyle(f).opacity,"
                + " note: !document.getElementById('readonly').classList.contains('hidden')};");
        js.executeScript("render(Object.assign({}, last, {control_enabled: true}))");
        assertEquals(Map.of("disabled", true, "opacity", "0.45", "note", true), readOnly);
        assertEquals("nowrap", js.executeScript("return getComputedStyle(document.querySelector('#panel-cameras th.num')).whiteSpace"),
                "a column header never breaks inside a word");
    }

    @Test
    void aCameraIdHoldingMarkupIsShownAsText() throws Exception {
        send(HOSTILE, "hostile-1");
        client.publish("haste/" + gateway.running.config().gatewayId() + "/cameras/" + HOSTILE + "/frames",
                "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8), "image/jpeg", "hostile-2", null);
        waitFor(() -> browser.findElements(By.cssSelector("#cameras td.camera-id")).stream().anyMatch(td -> td.getText().equals(HOSTILE)));
        waitFor(() -> browser.findElements(By.cssSelector("#errors td.camera-id")).stream().anyMatch(td -> td.getText().equals(HOSTILE)));
        assertTrue(browser.findElements(By.cssSelector("#cameras img:not(.latest), #cameras script, #errors img, #errors script")).isEmpty(),
                "no element made from the camera id");
        String src = browser.findElement(By.cssSelector("#cameras tr[data-camera='" + HOSTILE.replace("'", "\\'") + "'] img.latest"))
                .getAttribute("src");
        assertTrue(src.contains("/cameras/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%3Cscript%3Ealert(2)/latest.jpg"), src);
        try {
            browser.switchTo().alert();
            throw new AssertionError("a script from the camera id ran");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    @Test
    void thePageFitsA1280x720ScreenAndAPhoneWithoutSideScrolling() {
        org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser;
        org.openqa.selenium.Dimension desktop = browser.manage().window().getSize();
        try {
            for (Dimension size : List.of(new org.openqa.selenium.Dimension(1280, 720),
                    new org.openqa.selenium.Dimension(390, 844))) {
                browser.manage().window().setSize(size);
                waitFor(() -> ((Number) js.executeScript("return window.innerWidth")).intValue() <= size.getWidth());
                long scroll = ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
                long width = ((Number) js.executeScript("return window.innerWidth")).longValue();
                assertTrue(scroll <= width, size + ": the page is " + scroll + " px wide in a " + width + " px window");
            }
        } finally {
            browser.manage().window().setSize(desktop);
        }
    }

    @Test
    void everyConsoleResponseCarriesTheSecurityHeadersAndAWrongTokenIsRefused() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/console/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertEquals("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; "
                + "form-action 'none'; frame-ancestors 'none'", page.headers().firstValue("Content-Security-Policy").orElse(null));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertTrue(!page.body().contains("<script>") && !page.body().contains("style="), "no inline script or style");
        var wrong = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/console/api/control"))
                .header("X-Haste-Token", "not-the-token-at-all-0000").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"level\": 2}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(403, wrong.statusCode());
        assertEquals("{\"accepted\":false,\"errors\":[\"wrong console token\"]}", wrong.body());
        assertTrue(gateway.running.gateway().level() != 2, "a refused command changes nothing");
    }

    @Test
    void aReconnectReplacesTheChartsHistoryInsteadOfAppendingIt() throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        waitFor(() -> ((Number) js.executeScript("return charts.level.length")).intValue() >= 15);
        long before = ((Number) js.executeScript("return charts.level.length")).longValue();
        js.executeScript("connect()"); // a second stream: its history arrives as after a reconnect
        Thread.sleep(2000);
        long after = ((Number) js.executeScript("return charts.level.length")).longValue();
        assertTrue(after <= before + 8, "history appended again: " + before + " points, then " + after);
    }

    @Test
    void aScreenshotOfThePageIsWrittenToTheTestOutput() throws Exception {
        // A few seconds of traffic from three cameras, so the charts and the table have something to show.
        String gw = gateway.running.config().gatewayId();
        for (int i = 0; i < 60; i++) {
            client.fire("haste/" + gw + "/cameras/" + List.of("door", "yard", "drive").get(i % 3) + "/frames",
                    Files.readAllBytes(TestModels.scene(1 + i % 3)));
            Thread.sleep(100);
        }
        waitFor(() -> !browser.findElements(By.cssSelector("#chart-p95 polyline")).isEmpty());
        waitFor(() -> browser.findElements(By.cssSelector("#cameras img.latest")).size() >= 3);
        // Tall enough to show the cameras with their latest frames under the cards and charts.
        Dimension size = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(1280, 1150));
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Path out = Files.createDirectories(Path.of("target", "console"));
        Path png = out.resolve("console.png");
        try {
            Files.write(png, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.manage().window().setSize(size);
        }
        assertTrue(Files.size(png) > 10_000, "a PNG of the page: " + Files.size(png) + " bytes");
    }
}

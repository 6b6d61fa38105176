//! A headless Chromium for console tests, driven through chromedriver.
//!
//! Each test starts its own chromedriver on a free port (the path in `PATRON_CHROMEDRIVER`, or
//! `chromedriver` on `PATH`) and kills it, with the browser it launched, when the test ends. When
//! chromedriver is missing the test fails, unless `PATRON_SKIP_BROWSER=1` asks to skip it. A
//! failing test leaves a screenshot in `/tmp/patron-browser-<test>.png`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a page may take to show what a test waits for.
const WAIT: Duration = Duration::from_secs(10);
/// A whole browser test, so a hang fails instead of blocking the run.
const TEST_LIMIT: Duration = Duration::from_secs(60);

/// The chromedriver to use, if any.
fn chromedriver_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PATRON_CHROMEDRIVER") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

fn skip_browser() -> bool {
    std::env::var("PATRON_SKIP_BROWSER").is_ok_and(|v| v == "1")
}

/// A running chromedriver, killed (with its process group: the browser it started) on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// `None` when chromedriver is missing and the caller asked to skip browser tests.
    async fn start() -> Option<Self> {
        let Some(path) = chromedriver_path() else {
            if skip_browser() {
                eprintln!("chromedriver not found and PATRON_SKIP_BROWSER=1: skipped");
                return None;
            }
            panic!(
                "chromedriver not found: install it (Debian: apt-get install chromium chromium-driver), \
                 set PATRON_CHROMEDRIVER to its path, or set PATRON_SKIP_BROWSER=1 to skip browser tests"
            );
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("no free port for chromedriver")
            .port();
        let mut command = Command::new(&path);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so the browser it starts can be killed with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let mut driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        driver.wait_until_ready(&path).await;
        Some(driver)
    }

    async fn wait_until_ready(&mut self, path: &std::path::Path) {
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited at start: {status}", path.display());
            }
            if let Ok(r) = http.get(format!("{}/status", self.url)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(
                started.elapsed() < WAIT,
                "{} did not answer on {} within {WAIT:?}",
                path.display(),
                self.url
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group chromedriver leads (only processes this test started), then the driver.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn capabilities() -> serde_json::Map<String, serde_json::Value> {
    let binary = std::env::var("PATRON_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": binary,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,900",
                // The login page follows the browser's language: pin it.
                "--lang=en-US",
            ],
        },
    });
    match caps {
        serde_json::Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// Runs `body` with a fresh browser on the app at `base`; screenshots it if the body panics.
pub async fn with_browser<F, Fut>(test: &str, base: &str, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(driver) = Driver::start().await else {
        return;
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities())
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("cannot open a Chromium session through chromedriver: {e}"));
    let browser = Browser {
        client: client.clone(),
        base: base.to_string(),
    };
    let outcome = AssertUnwindSafe(async {
        tokio::time::timeout(TEST_LIMIT, body(browser))
            .await
            .unwrap_or_else(|_| panic!("browser test {test} took longer than {TEST_LIMIT:?}"));
    })
    .catch_unwind()
    .await;
    if outcome.is_err() {
        let file = format!("/tmp/patron-browser-{test}.png");
        match client.screenshot().await {
            Ok(png) if std::fs::write(&file, &png).is_ok() => eprintln!("screenshot: {file}"),
            _ => eprintln!("could not take a screenshot"),
        }
        if let Ok(url) = client.current_url().await {
            eprintln!("the browser was at {url}");
        }
    }
    let _ = client.close().await;
    drop(driver);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The browser of one test, on the app at `base`.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base: String,
}

impl Browser {
    /// Opens a path of the app.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("opening {path}: {e}"));
    }

    pub async fn reload(&self) {
        self.client.refresh().await.unwrap();
    }

    /// The element matching `css` on the current page.
    pub async fn find(&self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => panic!("no element {css} on {}: {e}", self.path().await),
        }
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.unwrap().len()
    }

    /// The visible text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    /// The current value of the form field matching `css`.
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn is_checked(&self, css: &str) -> bool {
        self.find(css).await.is_selected().await.unwrap()
    }

    /// Replaces what the field matching `css` holds with `value`, typed.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Path and query of the current page.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    pub async fn title(&self) -> String {
        self.client.title().await.unwrap()
    }

    /// The `lang` of the page's `<html>`.
    pub async fn lang(&self) -> String {
        self.find("html")
            .await
            .attr("lang")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Waits until the browser is at `expected` (path and query).
    pub async fn wait_for_path(&self, expected: &str) {
        let started = Instant::now();
        loop {
            let now = self.path().await;
            if now == expected {
                return;
            }
            assert!(
                started.elapsed() < WAIT,
                "expected to arrive at {expected}, still at {now}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element matching `css` shows exactly `expected` (a page loading after a
    /// click shows the old text for a moment).
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let started = Instant::now();
        loop {
            let seen = match self.client.find(Locator::Css(css)).await {
                Ok(e) => e.text().await.ok(),
                Err(_) => None,
            };
            if seen.as_deref() == Some(expected) {
                return;
            }
            assert!(
                started.elapsed() < WAIT,
                "expected {css} to show {expected:?} on {}, it shows {seen:?}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Logs in through the login form and waits for the start page.
    pub async fn log_in(&self, tenant: &str, login: &str, password: &str) {
        self.goto("/console/login").await;
        self.fill("#tenant_code", tenant).await;
        self.fill("#login_name", login).await;
        self.fill("#password", password).await;
        self.click("[data-test=login]").await;
        self.wait_for_path("/console").await;
    }
}

//! A real browser for the pages' tests: Debian's headless Chromium driven over the W3C WebDriver
//! protocol by its `chromedriver`, spoken here with `reqwest` (no WebDriver crate). Each
//! [`Browser`] starts its own chromedriver on a free loopback port and one Chromium session with
//! a fresh profile; dropping it ends both. [`Browser::screenshot`] writes PNGs to
//! [`screenshot_dir`] (`target/screenshots/`, or `AA_SCREENSHOTS`), and [`Browser::axe`] runs
//! axe-core in the page (installed by `npm ci --prefix scripts/browser`, which `scripts/test.sh`
//! runs) and returns its serious and critical violations.
//!
//! Binaries: `CHROMIUM` (default `/usr/bin/chromium`) and `CHROMEDRIVER` (default
//! `/usr/bin/chromedriver`), from Debian's `chromium` and `chromium-driver`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

/// The W3C key of an element reference in WebDriver answers.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where screenshots go: `AA_SCREENSHOTS`, else the workspace's `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    match std::env::var_os("AA_SCREENSHOTS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots"),
    }
}

/// The axe-core script run by [`Browser::axe`]: `AXE_CORE_JS`, else the copy
/// `npm ci --prefix scripts/browser` installs.
pub fn axe_path() -> PathBuf {
    match std::env::var_os("AXE_CORE_JS") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../scripts/browser/node_modules/axe-core/axe.min.js"),
    }
}

/// One accessibility violation axe-core reported (impact serious or critical).
#[derive(Debug, Clone)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    /// CSS targets of the offending nodes.
    pub targets: Vec<String>,
}

/// A headless Chromium session and the chromedriver that runs it.
pub struct Browser {
    driver: Child,
    base: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session (a phone-sized window, so pages are
    /// seen as most customers see them). Fails with what to install when a binary is missing.
    pub async fn start() -> Result<Browser, String> {
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        for bin in [&chromium, &driver_bin] {
            if !std::path::Path::new(bin).exists() {
                return Err(format!(
                    "{bin} not found: install Debian's chromium and chromium-driver \
                     (apt-get install -y chromium chromium-driver)"
                ));
            }
        }
        let port = crate::free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {driver_bin}: {e}"))?;
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut browser = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            _profile: profile,
        };
        browser.wait_ready().await?;
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--no-first-run".into(),
            "--window-size=412,915".into(),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let answer = browser.call("POST", "/session", Some(caps)).await?;
        let id = answer["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {answer}"))?;
        browser.base = format!("{}/session/{id}", browser.base);
        Ok(browser)
    }

    async fn wait_ready(&self) -> Result<(), String> {
        for _ in 0..100 {
            if let Ok(answer) = self.http.get(format!("{}/status", self.base)).send().await {
                if answer.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("chromedriver did not become ready in 10 s".into())
    }

    /// One WebDriver command; answers its `value`, or the driver's error message.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(body.unwrap_or_else(|| json!({})).to_string()),
        };
        let answer = request.send().await.map_err(|e| e.to_string())?;
        let status = answer.status();
        let text = answer.text().await.map_err(|e| e.to_string())?;
        let value: Value = serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?;
        if !status.is_success() {
            return Err(format!(
                "webdriver {method} {path}: {}: {}",
                value["value"]["error"], value["value"]["message"]
            ));
        }
        Ok(value["value"].clone())
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", Some(json!({ "url": url })))
            .await
            .map(|_| ())
    }

    /// The address the browser is on now (after redirects).
    pub async fn url(&self) -> Result<String, String> {
        let value = self.call("GET", "/url", None).await?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// The page's HTML as the browser holds it now.
    pub async fn source(&self) -> Result<String, String> {
        let value = self.call("GET", "/source", None).await?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// The first element matching `css`, waiting up to 5 s for it to appear.
    pub async fn find(&self, css: &str) -> Result<String, String> {
        let body = json!({"using": "css selector", "value": css});
        let mut last = String::new();
        for _ in 0..50 {
            match self.call("POST", "/element", Some(body.clone())).await {
                Ok(value) => {
                    return value[ELEMENT_KEY]
                        .as_str()
                        .map(str::to_string)
                        .ok_or_else(|| format!("no element reference in {value}"))
                }
                Err(e) => last = e,
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("no element {css}: {last}"))
    }

    /// Clicks the first element matching `css` (a link, a button, a checkbox). A click that
    /// leaves the page (a link, a form's submit button) returns once the next page has loaded,
    /// however slowly the server answers, so what the test reads next is that page.
    pub async fn click(&self, css: &str) -> Result<(), String> {
        let id = self.find(css).await?;
        let mut element = serde_json::Map::new();
        element.insert(ELEMENT_KEY.to_owned(), Value::String(id.clone()));
        let element = Value::Object(element);
        // Marks this document, and says whether the element navigates.
        let before = self
            .execute(
                "window.__aaPage = window.__aaPage || String(Math.random()); \
                 const e = arguments[0]; \
                 const submits = (e.tagName === 'BUTTON' && (e.type || 'submit') === 'submit') \
                   || (e.tagName === 'INPUT' && (e.type === 'submit' || e.type === 'image')); \
                 const leaves = (e.tagName === 'A' && !!e.getAttribute('href') \
                   && !e.getAttribute('href').startsWith('#') && !e.hasAttribute('download')) \
                   || (submits && !!e.form); \
                 return [window.__aaPage, leaves];",
                vec![element],
            )
            .await?;
        self.call("POST", &format!("/element/{id}/click"), None)
            .await?;
        if before[1] != Value::Bool(true) {
            return Ok(());
        }
        let page = before[0].clone();
        for _ in 0..300 {
            let now = self
                .execute(
                    "return [window.__aaPage || null, document.readyState];",
                    Vec::new(),
                )
                .await;
            if let Ok(now) = now {
                if now[0] != page && now[1] == "complete" {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "clicking {css} did not lead to another page within 15 s"
        ))
    }

    /// Clears the field matching `css` and types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) -> Result<(), String> {
        let id = self.find(css).await?;
        self.call("POST", &format!("/element/{id}/clear"), None)
            .await?;
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        )
        .await
        .map(|_| ())
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String, String> {
        let id = self.find(css).await?;
        let value = self
            .call("GET", &format!("/element/{id}/text"), None)
            .await?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// Runs `script` in the page (a function body; `arguments` holds `args`), answering its
    /// return value.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// Writes the page as a PNG to `<screenshot_dir>/<name>.png` and answers the path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, String> {
        use base64::Engine as _;
        let value = self.call("GET", "/screenshot", None).await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(value.as_str().unwrap_or_default())
            .map_err(|e| e.to_string())?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }

    /// Runs axe-core on the page and answers its serious and critical violations.
    pub async fn axe(&self) -> Result<Vec<Violation>, String> {
        let path = axe_path();
        let axe = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{}: {e} (run npm ci --prefix scripts/browser)",
                path.display()
            )
        })?;
        self.execute(&axe, vec![]).await?;
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact || '',
                  help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))))
              .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e),
                  targets: []}]));";
        let found = self
            .call(
                "POST",
                "/execute/async",
                Some(json!({"script": script, "args": []})),
            )
            .await?;
        let mut violations = Vec::new();
        for v in found.as_array().cloned().unwrap_or_default() {
            let impact = v["impact"].as_str().unwrap_or_default().to_string();
            if impact != "serious" && impact != "critical" {
                continue;
            }
            violations.push(Violation {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                impact,
                help: v["help"].as_str().unwrap_or_default().to_string(),
                targets: v["targets"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        Ok(violations)
    }
}

impl Drop for Browser {
    /// Ends the session (which closes Chromium) with a blocking `DELETE`, then kills
    /// chromedriver.
    fn drop(&mut self) {
        use std::io::{Read as _, Write as _};
        if let Some((host, path)) = self
            .base
            .strip_prefix("http://")
            .and_then(|rest| rest.split_once('/'))
        {
            if let Ok(mut socket) = std::net::TcpStream::connect(host) {
                let _ = socket.set_read_timeout(Some(Duration::from_secs(5)));
                let request = format!(
                    "DELETE /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\
                     Connection: close\r\n\r\n"
                );
                if socket.write_all(request.as_bytes()).is_ok() {
                    let _ = socket.read_to_end(&mut Vec::new());
                }
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

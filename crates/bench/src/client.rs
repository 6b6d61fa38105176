//! The HTTP side: parsing the target URL and headers into a request template,
//! and one persistent HTTP/1.1 keep-alive connection per worker.
//!
//! We use hyper's low-level `client::conn::http1` rather than a pooled client
//! so that each worker owns exactly one connection: `--connections` then means
//! what it says, and no hidden pool opens extra sockets under load.

use anyhow::{bail, Context};
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, CONNECTION, CONTENT_TYPE, HOST};
use http::{HeaderMap, Method, Request, StatusCode, Uri, Version};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Where to connect and what to send; built once, shared by all workers.
#[derive(Debug, Clone)]
pub struct Target {
    /// Host for the TCP connect (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    method: Method,
    path_and_query: Uri,
    headers: HeaderMap,
    body: Bytes,
    /// Set when the path or body holds `{n}` or `{r}` (see [`Target::request`]).
    templated: Option<Template>,
}

/// Per-request values substituted into the path and body: `{n}` is the request's sequence
/// number plus `start`, `{r}` a number below `range` scattered by the sequence number; both are
/// written with eight digits, so `139{n}` is a unique mobile number. `{v0}`, `{v1}`… are the
/// fields of line `start + slot` (cycling) of a values file: what cannot be computed, such as
/// coupon codes issued beforehand to each member.
#[derive(Debug, Clone)]
pub struct Template {
    pub path: String,
    pub body: String,
    pub start: u64,
    pub range: u64,
    pub values: std::sync::Arc<Vec<Vec<String>>>,
}

fn scatter(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

impl Template {
    fn fill(&self, text: &str, slot: u64) -> String {
        let mut out = text
            .replace("{n}", &format!("{:08}", self.start + slot))
            .replace("{r}", &format!("{:08}", scatter(slot) % self.range.max(1)));
        if !self.values.is_empty() {
            let line = &self.values[((self.start + slot) % self.values.len() as u64) as usize];
            for (k, v) in line.iter().enumerate() {
                out = out.replace(&format!("{{v{k}}}"), v);
            }
        }
        out
    }
}

impl Target {
    /// `url` must be plain `http://host[:port]/path?query`. TLS is not
    /// supported: the benchmark is meant for a server on this machine.
    pub fn new(
        url: &str,
        method: &str,
        raw_headers: &[String],
        api_key: Option<&str>,
        body: Option<&str>,
    ) -> anyhow::Result<Self> {
        let uri: Uri = url
            .parse()
            .with_context(|| format!("invalid --url {url:?}"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(other) => bail!("--url scheme {other:?} is not supported (only http)"),
            None => bail!("--url must be absolute, e.g. http://127.0.0.1:8080/health"),
        }
        let authority = uri.authority().context("--url has no host")?;
        if authority.as_str().contains('@') {
            bail!("--url must not contain credentials; use --api-key or --header");
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = authority.port_u16().unwrap_or(80);
        let path_and_query: Uri = uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .parse()
            .context("invalid path in --url")?;
        let method = Method::from_bytes(method.trim().to_ascii_uppercase().as_bytes())
            .with_context(|| format!("invalid --method {method:?}"))?;

        // Defaults first, so an explicit --header can override any of them.
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_str(authority.as_str())?);
        if let Some(key) = api_key.filter(|k| !k.is_empty()) {
            let mut v = HeaderValue::from_str(&format!("Bearer {key}"))
                .context("--api-key contains characters not allowed in a header")?;
            // Keeps the key out of any debug printing of the header map.
            v.set_sensitive(true);
            headers.insert(AUTHORIZATION, v);
        }
        if body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for raw in raw_headers {
            let (name, value) = parse_header(raw)?;
            headers.insert(name, value);
        }

        Ok(Self {
            host,
            port,
            method,
            path_and_query,
            headers,
            body: body.map_or_else(Bytes::new, |b| Bytes::copy_from_slice(b.as_bytes())),
            templated: None,
        })
    }

    /// Makes `{n}` and `{r}` in the URL's path and in the body vary per request.
    #[cfg(test)]
    pub fn with_template(self, url: &str, body: Option<&str>, start: u64, range: u64) -> Self {
        self.with_values(url, body, start, range, Vec::new())
    }

    /// [`Target::with_template`] with the lines of a values file for `{v0}`, `{v1}`…
    pub fn with_values(
        mut self,
        url: &str,
        body: Option<&str>,
        start: u64,
        range: u64,
        values: Vec<Vec<String>>,
    ) -> Self {
        let path = url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
            .unwrap_or_else(|| "/".into());
        let body = body.unwrap_or_default().to_string();
        if path.contains('{') || body.contains('{') {
            self.templated = Some(Template {
                path,
                body,
                start,
                range,
                values: std::sync::Arc::new(values),
            });
        }
        self
    }

    pub fn method(&self) -> &Method {
        &self.method
    }

    fn request(&self, slot: u64) -> anyhow::Result<Request<Full<Bytes>>> {
        let (uri, body) = match &self.templated {
            Some(t) => (
                t.fill(&t.path, slot).parse::<Uri>()?,
                Bytes::from(t.fill(&t.body, slot)),
            ),
            None => (self.path_and_query.clone(), self.body.clone()),
        };
        let mut req = Request::builder()
            .method(self.method.clone())
            .uri(uri)
            .version(Version::HTTP_11)
            .body(Full::new(body))?;
        // hyper sets Content-Length from the body's exact size.
        *req.headers_mut() = self.headers.clone();
        Ok(req)
    }

    pub async fn connect_tcp(&self) -> std::io::Result<TcpStream> {
        let stream = TcpStream::connect((self.host.as_str(), self.port)).await?;
        // Small requests must not wait for Nagle's algorithm.
        stream.set_nodelay(true)?;
        Ok(stream)
    }
}

/// Parse `Name: value` (split at the first colon, both sides trimmed).
pub fn parse_header(raw: &str) -> anyhow::Result<(HeaderName, HeaderValue)> {
    let (name, value) = raw
        .split_once(':')
        .with_context(|| format!("--header {raw:?} must look like \"Name: value\""))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .with_context(|| format!("invalid header name in {raw:?}"))?;
    let value = HeaderValue::from_str(value.trim())
        .with_context(|| format!("invalid header value in {raw:?}"))?;
    Ok((name, value))
}

/// One worker's connection, (re)opened lazily.
pub struct Connection {
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Connection {
    pub fn new() -> Self {
        Self { sender: None }
    }

    /// Send one request and read the whole response body (so the connection
    /// can be reused). Returns the status; any I/O or protocol failure is an
    /// error and drops the connection so the next request reconnects.
    pub async fn send(&mut self, target: &Target, slot: u64) -> anyhow::Result<StatusCode> {
        let result = self.send_inner(target, slot).await;
        if result.is_err() {
            self.sender = None;
        }
        result
    }

    async fn send_inner(&mut self, target: &Target, slot: u64) -> anyhow::Result<StatusCode> {
        let mut sender = self.ready_sender(target).await?;
        let resp = sender.send_request(target.request(slot)?).await?;
        let status = resp.status();
        let reusable = keeps_alive(resp.version(), resp.headers());
        resp.into_body()
            .collect()
            .await
            .context("reading response body")?;
        if reusable {
            self.sender = Some(sender);
        }
        Ok(status)
    }

    async fn ready_sender(&mut self, target: &Target) -> anyhow::Result<SendRequest<Full<Bytes>>> {
        if let Some(mut sender) = self.sender.take() {
            // The server may have closed an idle keep-alive connection; a
            // failed `ready` means nothing was sent, so reconnecting is safe.
            if !sender.is_closed() && sender.ready().await.is_ok() {
                return Ok(sender);
            }
        }
        let stream = target.connect_tcp().await.context("connect")?;
        let (mut sender, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP/1.1 handshake")?;
        // The connection future drives the socket; it ends when the socket
        // closes (or when the runtime shuts down at the end of the run).
        tokio::spawn(async move {
            let _ = conn.await;
        });
        sender.ready().await.context("connection not ready")?;
        Ok(sender)
    }
}

/// Whether the server intends to keep the connection open after this
/// response (HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with
/// `Connection: keep-alive`). Checking up front avoids racing the close.
fn keeps_alive(version: Version, headers: &HeaderMap) -> bool {
    let has = |token: &str| {
        headers.get_all(CONNECTION).iter().any(|v| {
            v.to_str()
                .map(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
                .unwrap_or(false)
        })
    };
    match version {
        Version::HTTP_11 => !has("close"),
        Version::HTTP_10 => has("keep-alive"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_url_and_defaults() {
        let t = Target::new(
            "http://127.0.0.1:8080/api/v1/tenant?x=1",
            "post",
            &["X-Trace: abc".into(), "content-type: text/plain".into()],
            Some("k123"),
            Some("{}"),
        )
        .unwrap();
        assert_eq!(t.host, "127.0.0.1");
        assert_eq!(t.port, 8080);
        let req = t.request(0).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(req.uri(), "/api/v1/tenant?x=1");
        assert_eq!(req.headers()[HOST], "127.0.0.1:8080");
        assert_eq!(req.headers()[AUTHORIZATION], "Bearer k123");
        assert_eq!(req.headers()["x-trace"], "abc");
        // Explicit --header wins over the JSON default.
        assert_eq!(req.headers()[CONTENT_TYPE], "text/plain");
    }

    #[test]
    fn ipv6_and_default_port() {
        let t = Target::new("http://[::1]/", "GET", &[], None, None).unwrap();
        assert_eq!(t.host, "::1");
        assert_eq!(t.port, 80);
        let req = t.request(0).unwrap();
        assert_eq!(req.uri(), "/");
        assert!(req.headers().get(CONTENT_TYPE).is_none());
        assert!(req.headers().get(AUTHORIZATION).is_none());
    }

    #[test]
    fn rejects_unsupported_urls_and_bad_headers() {
        assert!(Target::new("https://127.0.0.1/", "GET", &[], None, None).is_err());
        assert!(Target::new("/relative", "GET", &[], None, None).is_err());
        assert!(Target::new("http://u:p@127.0.0.1/", "GET", &[], None, None).is_err());
        assert!(parse_header("no-colon").is_err());
        assert!(parse_header("bad name: v").is_err());
        let (n, v) = parse_header("Accept:  application/json ").unwrap();
        assert_eq!(n, "accept");
        assert_eq!(v, "application/json");
    }

    #[test]
    fn keep_alive_rules() {
        let mut h = HeaderMap::new();
        assert!(keeps_alive(Version::HTTP_11, &h));
        assert!(!keeps_alive(Version::HTTP_10, &h));
        h.insert(CONNECTION, HeaderValue::from_static("Keep-Alive"));
        assert!(keeps_alive(Version::HTTP_10, &h));
        h.insert(CONNECTION, HeaderValue::from_static("close"));
        assert!(!keeps_alive(Version::HTTP_11, &h));
    }

    #[test]
    fn templates_vary_the_path_and_body_per_request() {
        let t = Target::new(
            "http://127.0.0.1:1/x?p=13900000000",
            "POST",
            &[],
            None,
            Some("{}"),
        )
        .unwrap()
        .with_template(
            "http://127.0.0.1:1/x?p=139{n}&r={r}",
            Some("{\"phone\":\"139{n}\"}"),
            5,
            10,
        );
        let req = t.request(2).unwrap();
        let uri = req.uri().to_string();
        assert!(uri.starts_with("/x?p=13900000007&r=0000000"), "{uri}");
    }
}

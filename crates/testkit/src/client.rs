//! An HTTP client for tests: JSON in, (status, JSON) out, with an API key or a session cookie
//! (and its CSRF token).

use serde_json::Value;

#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    key: Option<String>,
    csrf: Option<String>,
}

/// A response: status, headers and the body as JSON (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// The problem `code` of an error response.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
}

impl Client {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base: base.to_string(),
            http,
            key: None,
            csrf: None,
        }
    }

    pub fn with_key(base: &str, key: &str) -> Self {
        let mut c = Self::new(base);
        c.key = Some(key.to_string());
        c
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Drops the CSRF token (to show what happens without it).
    pub fn forget_csrf(&mut self) {
        self.csrf = None;
    }

    pub fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }

    /// Logs in through the API; panics unless it succeeds.
    pub async fn login(&mut self, tenant: &str, login: &str, password: &str) {
        let r = self.try_login(tenant, login, password).await;
        assert_eq!(r.status, 200, "login {tenant}/{login}: {}", r.body);
    }

    pub async fn try_login(&mut self, tenant: &str, login: &str, password: &str) -> Reply {
        let body =
            serde_json::json!({"tenant_code": tenant, "login_name": login, "password": password});
        let r = self
            .send(reqwest::Method::POST, "/api/v1/session", Some(&body), &[])
            .await;
        if r.status == 200 {
            self.csrf = r.body["csrf_token"].as_str().map(str::to_string);
        }
        r
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(key) = &self.key {
            req = req.bearer_auth(key);
        }
        if let Some(csrf) = &self.csrf {
            if method != reqwest::Method::GET {
                req = req.header("x-csrf-token", csrf);
            }
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    /// Posts raw bytes (a file upload).
    pub async fn post_bytes(&self, path: &str, bytes: Vec<u8>) -> Reply {
        let mut req = self.http.post(format!("{}{path}", self.base));
        if let Some(key) = &self.key {
            req = req.bearer_auth(key);
        }
        if let Some(csrf) = &self.csrf {
            req = req.header("x-csrf-token", csrf);
        }
        let resp = req
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body), &[])
            .await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::PATCH, path, Some(body), &[])
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send(reqwest::Method::PUT, path, Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, None, &[]).await
    }
}

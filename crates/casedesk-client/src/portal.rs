//! The office API as the engine uses it: requests with the access token, one refresh
//! and retry on 401, and errors mapped to [`ClientError`] so that "no network" is told
//! apart from "the portal said no".

use std::sync::Arc;
use std::time::Duration;

use casedesk_domain::wire::{
    CommandBatch, CommandBatchAnswer, ErrorBody, LetterSettings, LoginRequest, OfficeSession,
    RefreshRequest, ServiceDefinition, SessionTokens, TenantSettings, UserInfo,
};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use tokio::sync::Mutex;

use crate::credentials::Credentials;
use crate::error::{ClientError, Result};

/// How long a connection attempt may take before the portal counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest silence within a response before it counts as cut off.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection to one portal as one user.
#[derive(Clone)]
pub struct Portal {
    base: String,
    http: reqwest::Client,
    credentials: Credentials,
    tokens: Arc<Mutex<Option<SessionTokens>>>,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the tokens.
        f.debug_struct("Portal").field("base", &self.base).finish()
    }
}

impl Portal {
    pub fn new(base: &str, credentials: Credentials) -> Result<Self> {
        let base = normalise_base(base)?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .user_agent(concat!("casedesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Invalid(e.to_string()))?;
        Ok(Self {
            base,
            http,
            credentials,
            tokens: Arc::new(Mutex::new(None)),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/api/v1/office/{path}", self.base)
    }

    /// Logs in and stores the tokens in the keyring.
    pub async fn login(&self, user: &str, password: &str) -> Result<UserInfo> {
        let response = self
            .http
            .post(self.url("session"))
            .json(&LoginRequest {
                user: user.to_owned(),
                password: password.to_owned(),
            })
            .send()
            .await?;
        match response.status() {
            StatusCode::UNAUTHORIZED => return Err(ClientError::WrongPassword),
            StatusCode::TOO_MANY_REQUESTS => {
                let seconds = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(60);
                return Err(ClientError::Throttled(seconds));
            }
            _ => {}
        }
        let session: OfficeSession = json_of(response).await?;
        self.credentials.save(&session.tokens).await?;
        *self.tokens.lock().await = Some(session.tokens);
        Ok(session.user)
    }

    /// Ends the session on the portal (best effort) and removes the keyring entry.
    pub async fn logout(&self) -> Result<()> {
        let tokens = self.current_tokens().await.ok().flatten();
        if let Some(tokens) = tokens {
            // An unreachable portal must not keep the user from logging out; the
            // session then simply expires there.
            let _ = self
                .http
                .delete(self.url("session"))
                .bearer_auth(&tokens.access_token)
                .timeout(CONNECT_TIMEOUT)
                .send()
                .await;
        }
        *self.tokens.lock().await = None;
        self.credentials.delete().await
    }

    async fn current_tokens(&self) -> Result<Option<SessionTokens>> {
        let mut guard = self.tokens.lock().await;
        if guard.is_none() {
            *guard = self.credentials.load().await?;
        }
        Ok(guard.clone())
    }

    /// Whether tokens are stored for this user (they may still be expired).
    pub async fn has_session(&self) -> Result<bool> {
        Ok(self.current_tokens().await?.is_some())
    }

    /// Exchanges the refresh token for new tokens. The portal rotates the refresh
    /// token, so the new pair is stored before it is used.
    async fn refresh(&self, stale: &SessionTokens) -> Result<SessionTokens> {
        let mut guard = self.tokens.lock().await;
        // Another request may have refreshed already.
        if let Some(current) = guard.as_ref()
            && current.access_token != stale.access_token
        {
            return Ok(current.clone());
        }
        let response = self
            .http
            .post(self.url("session/refresh"))
            .json(&RefreshRequest {
                refresh_token: stale.refresh_token.clone(),
            })
            .send()
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(ClientError::LoginRequired);
        }
        let tokens: SessionTokens = json_of(response).await?;
        self.credentials.save(&tokens).await?;
        *guard = Some(tokens.clone());
        Ok(tokens)
    }

    /// Sends an authorised request; on 401 refreshes once and sends it again.
    pub(crate) async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response> {
        let tokens = self
            .current_tokens()
            .await?
            .ok_or(ClientError::NotLoggedIn)?;
        let tokens = if tokens.access_expires_at <= chrono::Utc::now() {
            self.refresh(&tokens).await?
        } else {
            tokens
        };
        let response = build(&self.http)
            .bearer_auth(&tokens.access_token)
            .send()
            .await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let tokens = self.refresh(&tokens).await?;
        let response = build(&self.http)
            .bearer_auth(&tokens.access_token)
            .send()
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(ClientError::LoginRequired);
        }
        Ok(response)
    }

    pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let url = self.url(path);
        json_of(self.send(|http| http.request(Method::GET, &url)).await?).await
    }

    pub async fn me(&self) -> Result<UserInfo> {
        self.get_json("me").await
    }

    pub async fn services(&self) -> Result<Vec<ServiceDefinition>> {
        self.get_json("services").await
    }

    /// The staff of the user's offices; `None` from a portal without the endpoint.
    pub async fn staff(&self) -> Result<Option<Vec<UserInfo>>> {
        let url = self.url("staff");
        let response = self.send(|http| http.get(&url)).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Ok(Some(json_of(response).await?))
    }

    /// The tenant's settings; `Ok(None)` from a portal without the endpoint.
    pub async fn tenant(&self) -> Result<Option<TenantSettings>> {
        let url = self.url("tenant");
        let response = self.send(|http| http.get(&url)).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Ok(Some(json_of(response).await?))
    }

    /// The tenant's letter templates and letterhead. `Ok(None)` when they are
    /// unchanged since `version` or the portal has no such endpoint (an older
    /// portal: letters then use the built-in templates).
    pub async fn letters(&self, version: Option<&str>) -> Result<Option<LetterSettings>> {
        let url = self.url("letters");
        let etag = version.map(|v| format!("\"{v}\""));
        let response = self
            .send(|http| {
                let request = http.get(&url);
                match &etag {
                    Some(etag) => request.header(reqwest::header::IF_NONE_MATCH, etag),
                    None => request,
                }
            })
            .await?;
        if matches!(
            response.status(),
            StatusCode::NOT_FOUND | StatusCode::NOT_MODIFIED
        ) {
            return Ok(None);
        }
        Ok(Some(json_of(response).await?))
    }

    pub async fn commands(&self, batch: &CommandBatch) -> Result<CommandBatchAnswer> {
        let url = self.url("commands");
        json_of(self.send(|http| http.post(&url).json(batch)).await?).await
    }
}

/// Accepts `host:port`, `http://host:port` and a trailing slash.
pub(crate) fn normalise_base(base: &str) -> Result<String> {
    let base = base.trim();
    let with_scheme = if base.contains("://") {
        base.to_owned()
    } else {
        format!("http://{base}")
    };
    let url = reqwest::Url::parse(&with_scheme)
        .map_err(|e| ClientError::Invalid(format!("Portaladresse {base}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(ClientError::Invalid(format!(
            "Portaladresse {base}: http:// oder https:// mit Rechnername erwartet"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The body of a successful response, or the portal's error as [`ClientError`].
pub(crate) async fn json_of<T: serde::de::DeserializeOwned>(response: Response) -> Result<T> {
    let response = checked(response).await?;
    let bytes = response.bytes().await?;
    Ok(serde_json::from_slice(&bytes)?)
}

/// The response if it is a success, else its error body as [`ClientError`].
pub(crate) async fn checked(response: Response) -> Result<Response> {
    let status = response.status();
    if status.is_success() || status == StatusCode::PARTIAL_CONTENT {
        return Ok(response);
    }
    if status == StatusCode::UNAUTHORIZED {
        return Err(ClientError::LoginRequired);
    }
    let body = response.bytes().await.unwrap_or_default();
    let error: Option<ErrorBody> = serde_json::from_slice(&body).ok();
    // A proxy or a starting portal answering 502/503/504 is "not reachable".
    if matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    ) {
        return Err(ClientError::Offline(format!("HTTP {status}")));
    }
    Err(match error {
        Some(error) => ClientError::Portal {
            status: status.as_u16(),
            code: error.code,
            message: error.message,
        },
        None => ClientError::Portal {
            status: status.as_u16(),
            code: "http_error".into(),
            message: format!("HTTP {status}"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_addresses_are_normalised() {
        assert_eq!(
            normalise_base("127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            normalise_base("https://portal.example.de").unwrap(),
            "https://portal.example.de"
        );
        assert!(normalise_base("ftp://x").is_err());
        assert!(normalise_base("http://").is_err());
    }
}

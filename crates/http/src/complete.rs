//! Requests run to completion even when their client goes away (ADR 0016).
//!
//! A server drops a request's future when its connection closes. A future dropped half-way
//! through a database call can leave the connection in a state its driver does not know about:
//! with sqlx on PostgreSQL, a `BEGIN` cancelled before its answer leaves the session inside a
//! transaction that nothing rolls back, and the pool hands that connection to the next request,
//! whose writes then never commit. So each request runs as a task of its own, which the closed
//! connection does not cancel: the work finishes (or fails) whole, and only the answer is lost.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

/// The middleware: runs the rest of the request on its own task and waits for it.
pub async fn run_to_completion(req: Request, next: Next) -> Response {
    let task = tokio::spawn(next.run(req).in_current_span());
    match task.await {
        Ok(response) => response,
        // A handler panicked: the task caught it; the client gets the generic error.
        Err(cause) => {
            tracing::error!(%cause, "request task failed");
            crate::problem::ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "something went wrong on our side; it has been logged",
            )
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_request_whose_caller_gives_up_still_finishes() {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let app = Router::new()
            .route(
                "/slow",
                get(move || async move {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    flag.store(true, Ordering::SeqCst);
                }),
            )
            .layer(axum::middleware::from_fn(run_to_completion));
        let req = Request::builder().uri("/slow").body(Body::empty()).unwrap();
        // The caller stops waiting after 10 ms, as a closed connection would.
        let gave_up = tokio::time::timeout(Duration::from_millis(10), app.oneshot(req)).await;
        assert!(gave_up.is_err());
        assert!(!finished.load(Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(finished.load(Ordering::SeqCst));
    }
}

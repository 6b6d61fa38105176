//! Health, readiness, metrics, request ids and the OpenAPI document.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;

both_databases! {
    async fn health_readiness_and_metrics_answer(app) {
        let c = app.anonymous();
        assert_eq!(c.get("/healthz").await.text, "ok");
        assert_eq!(c.get("/readyz").await.text, "ready");
        c.get("/api/v1/me").await;
        let metrics = c.get("/metrics").await.text;
        assert!(metrics.contains("http_requests_total{method=\"GET\",route=\"/api/v1/me\",status=\"401\"}"), "{metrics}");
        assert!(metrics.contains("http_request_duration_seconds_bucket"));
        assert!(metrics.contains("db_pool_connections"));
    }

    async fn every_response_carries_a_request_id(app) {
        let r = app.anonymous().get("/api/v1/me").await;
        assert_eq!(r.headers["x-request-id"].to_str().unwrap().len(), 36);
    }

    async fn the_openapi_document_describes_the_api(app) {
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        assert!(doc["paths"]["/api/v1/users"]["post"].is_object());
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    }
}

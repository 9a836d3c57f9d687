//! The `/v1` routes over plain HTTP: authentication, catalog, feed and orders.

mod common;

use common::{error_code, order, Harness};
use petra_client::wire::{CatalogPage, ErrorBody, Order, PingResponse};
use petra_sandbox::{DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME, DISABLED_USERNAME};
use serde_json::json;

#[tokio::test]
async fn ping_returns_account() {
    let harness = Harness::start().await;

    let response = harness.get("ping").send().await.unwrap();

    assert_eq!(response.status(), 200);
    let ping: PingResponse = response.json().await.unwrap();
    assert_eq!(ping.account, "DEALER-1042");
    assert_eq!(ping.server_time, harness.sandbox.now());
}

#[tokio::test]
async fn api_key_replaces_username() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .get(harness.url("ping"))
        .basic_auth(DEFAULT_API_KEY, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn wrong_password_is_401() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .get(harness.url("ping"))
        .basic_auth(DEFAULT_USERNAME, Some("wrong"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(error_code(response).await, "unauthorized");
}

#[tokio::test]
async fn unknown_user_is_401() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .get(harness.url("catalog/products"))
        .basic_auth("nobody", Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn padded_username_is_401() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .get(harness.url("ping"))
        .basic_auth(format!(" {DEFAULT_USERNAME}"), Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn missing_credentials_are_401() {
    let harness = Harness::start().await;

    let response = harness.http.get(harness.url("ping")).send().await.unwrap();

    assert_eq!(response.status(), 401);
    let body: ErrorBody = response.json().await.unwrap();
    assert!(
        body.error.message.contains("missing Authorization"),
        "{}",
        body.error.message
    );
}

#[tokio::test]
async fn malformed_authorization_is_401() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .get(harness.url("ping"))
        .header("authorization", "Basic not-base64!")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn disabled_account_is_403() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .get(harness.url("ping"))
        .basic_auth(DISABLED_USERNAME, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 403);
    assert_eq!(error_code(response).await, "api_access_disabled");
}

#[tokio::test]
async fn error_message_never_echoes_password() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .get(harness.url("ping"))
        .basic_auth(DEFAULT_USERNAME, Some("hunter2-secret"))
        .send()
        .await
        .unwrap();

    let text = response.text().await.unwrap();
    assert!(!text.contains("hunter2-secret"), "{text}");
}

#[tokio::test]
async fn catalog_pages_cover_every_product() {
    let harness = Harness::start().await;
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;

    loop {
        let mut request = harness.get("catalog/products").query(&[("limit", "2")]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let page: CatalogPage = request.send().await.unwrap().json().await.unwrap();
        ids.extend(page.products.iter().map(|p| p.product_id.clone()));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }

    assert_eq!(
        ids,
        [
            "JBL-FLIP6",
            "K02-U22GE-02",
            "LOG-M185",
            "PAN-KXTG",
            "SMS-EVO128"
        ]
    );
}

#[tokio::test]
async fn catalog_default_limit_is_one_page() {
    let harness = Harness::start().await;

    let page: CatalogPage = harness
        .get("catalog/products")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(page.products.len(), 5);
    assert!(page.next_cursor.is_none());
}

#[tokio::test]
async fn catalog_carries_decimal_prices() {
    let harness = Harness::start().await;

    let body: serde_json::Value = harness
        .get("catalog/products")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let pricing = &body["products"][1]["variants"][0]["pricing"];
    assert_eq!(pricing["dealer_price"], "91.99");
    assert_eq!(pricing["map"], serde_json::Value::Null);
}

#[tokio::test]
async fn catalog_limit_out_of_range_is_400() {
    let harness = Harness::start().await;

    for limit in ["0", "1001", "ten", "-1"] {
        let response = harness
            .get("catalog/products")
            .query(&[("limit", limit)])
            .send()
            .await
            .unwrap();

        assert_eq!(response.status(), 400, "limit={limit}");
        let body: ErrorBody = response.json().await.unwrap();
        assert_eq!(body.error.details[0].field, "limit", "limit={limit}");
    }
}

#[tokio::test]
async fn catalog_unknown_cursor_is_400() {
    let harness = Harness::start().await;

    let response = harness
        .get("catalog/products")
        .query(&[("cursor", "garbage")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
    assert_eq!(error_code(response).await, "bad_request");
}

#[tokio::test]
async fn feed_download_is_csv() {
    let harness = Harness::start().await;
    let http = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .unwrap();

    let response = harness.get_feed(&http).send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv");
    assert!(response.headers().get("content-encoding").is_none());
    let length = response.content_length().unwrap();
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len() as u64, length);
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text
        .lines()
        .nth(2)
        .unwrap()
        .starts_with("VENDOR SKU,PETRA SKU"));
    assert!(text.contains("1KSK02U22GE02"));
}

#[tokio::test]
async fn feed_rejects_missing_or_wrong_login() {
    let harness = Harness::start().await;
    let feed = harness.sandbox.feed_url();

    let missing = harness.http.get(&feed).send().await.unwrap();
    let wrong = harness
        .http
        .get(&feed)
        .basic_auth(DEFAULT_USERNAME, Some("not-the-password"))
        .send()
        .await
        .unwrap();

    assert_eq!(missing.status(), 401);
    assert_eq!(
        missing.headers()["www-authenticate"],
        "Basic realm=\"Petra sandbox\""
    );
    assert_eq!(error_code(missing).await, "unauthorized");
    assert_eq!(wrong.status(), 401);
    assert_eq!(error_code(wrong).await, "unauthorized");
}

#[tokio::test]
async fn feed_accepts_api_key_and_disabled_account() {
    let harness = Harness::start().await;
    let feed = harness.sandbox.feed_url();

    let by_key = harness
        .http
        .get(&feed)
        .basic_auth(DEFAULT_API_KEY, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap();
    let without_api_access = harness
        .http
        .get(&feed)
        .basic_auth(DISABLED_USERNAME, Some(DEFAULT_PASSWORD))
        .send()
        .await
        .unwrap();

    assert_eq!(by_key.status(), 200);
    assert_eq!(without_api_access.status(), 200);
}

#[tokio::test]
async fn feed_download_gzips_on_request() {
    let harness = Harness::start().await;
    let raw = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .build()
        .unwrap();
    let decoding = reqwest::Client::builder().no_proxy().build().unwrap();

    let compressed = harness
        .get_feed(&raw)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    let plain = harness
        .get_feed(&raw)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let decoded = harness
        .get_feed(&decoding)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();

    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    let gzip_length = compressed.content_length().unwrap();
    let gzip_body = compressed.bytes().await.unwrap();
    assert_eq!(gzip_body.len() as u64, gzip_length);
    assert_eq!(&gzip_body[..2], &[0x1f, 0x8b]);
    assert_eq!(decoded, plain);
}

#[tokio::test]
async fn order_is_created_upper_case() {
    let harness = Harness::start().await;

    let created = harness
        .place(&order("ebyus05-14589-57987", &[("1KSK02U22GE02", 2)]))
        .await;

    assert_eq!(created["po_number"], "EBYUS05-14589-57987");
    assert_eq!(created["status"], "accepted");
    assert_eq!(created["order_id"], "ORD-000001");
    assert_eq!(created["created_at"], "2026-06-11T15:00:00Z");
}

#[tokio::test]
async fn order_lookup_ignores_case() {
    let harness = Harness::start().await;
    harness
        .place(&order("EBYUS05-14589-57987", &[("1KSK02U22GE02", 2)]))
        .await;

    let response = harness
        .get("orders/ebyus05-14589-57987")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let found: Order = response.json().await.unwrap();
    assert_eq!(found.po_number.as_str(), "EBYUS05-14589-57987");
    assert_eq!(found.lines[0].quantity, 2);
}

#[tokio::test]
async fn unknown_order_is_404() {
    let harness = Harness::start().await;

    let response = harness.get("orders/NO-SUCH-PO").send().await.unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(error_code(response).await, "not_found");
}

#[tokio::test]
async fn duplicate_po_ignoring_case_is_409() {
    let harness = Harness::start().await;
    harness
        .place(&order("PO-DUP-1", &[("910-002225", 1)]))
        .await;

    let response = harness
        .post_order(&order("po-dup-1", &[("910-002225", 3)]))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 409);
    assert_eq!(error_code(response).await, "duplicate_po");
    let record = harness.sandbox.admin();
    let record = record.po("PO-DUP-1").unwrap();
    assert_eq!(record.create_attempts, 2);
    assert_eq!(record.stored, 1);
}

#[tokio::test]
async fn validation_lists_every_problem() {
    let harness = Harness::start().await;
    let body = json!({
        "po_number": "PO-BAD-1",
        "ship_to": { "name": "Dana", "city": "Tempe", "state": "AZ", "postal_code": "852" },
        "lines": [{ "sku": "NOT-A-SKU", "quantity": 0 }]
    });

    let response = harness.post_order(&body).send().await.unwrap();

    assert_eq!(response.status(), 422);
    let error: ErrorBody = response.json().await.unwrap();
    assert_eq!(error.error.code, "validation_failed");
    let fields: Vec<&str> = error
        .error
        .details
        .iter()
        .map(|d| d.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "ship_to.address1",
            "ship_to.postal_code",
            "lines[0].sku",
            "lines[0].quantity"
        ]
    );
    assert_eq!(error.error.message, "4 fields are missing or invalid");
}

#[tokio::test]
async fn invalid_order_is_not_stored() {
    let harness = Harness::start().await;
    let mut body = order("PO-BAD-2", &[("910-002225", 1)]);
    body["ship_to"]["city"] = json!("");

    harness.post_order(&body).send().await.unwrap();

    let response = harness.get("orders/PO-BAD-2").send().await.unwrap();
    assert_eq!(response.status(), 404);
    let admin = harness.sandbox.admin();
    assert_eq!(admin.po("PO-BAD-2").unwrap().stored, 0);
}

#[tokio::test]
async fn malformed_json_is_400() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .post(harness.url("orders"))
        .basic_auth(DEFAULT_USERNAME, Some(DEFAULT_PASSWORD))
        .header("content-type", "application/json")
        .body("{\"po_number\": ")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
    assert_eq!(error_code(response).await, "bad_request");
    assert_eq!(harness.sandbox.admin().attempts_without_po, 1);
}

#[tokio::test]
async fn order_needs_credentials() {
    let harness = Harness::start().await;

    let response = harness
        .http
        .post(harness.url("orders"))
        .json(&order("PO-ANON", &[("910-002225", 1)]))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    assert!(harness.sandbox.admin().orders.is_empty());
}

#[tokio::test]
async fn unknown_route_is_json_404() {
    let harness = Harness::start().await;

    let response = harness.get("invoices").send().await.unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(error_code(response).await, "not_found");
}

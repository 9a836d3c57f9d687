//! The SQLite outbox's import rule and the operation lock, on real files.

use chrono::{TimeZone, Utc};
use petra_client::PoNumber;
use petra_ops::fulfillment::{
    Change, FulfillmentRequest, FulfillmentRequests, OutboxState, ReleaseOutcome,
};
use petra_ops::schedule::OperationLocks;
use petra_store::SqliteStore;

const SOURCE: &str = "Petra Industries";

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 11, 15, 0, 0).unwrap()
}

fn request(po: &str, city: &str) -> FulfillmentRequest {
    FulfillmentRequest {
        fr_number: po.into(),
        city: city.into(),
        ..FulfillmentRequest::default()
    }
}

fn order(po: &str) -> petra_client::wire::CreateOrderRequest {
    serde_json::from_str(&format!(
        r#"{{"po_number":"{po}","ship_to":{{"name":"A","address1":"1","city":"C","state":"AZ","postal_code":"85281"}},"lines":[]}}"#
    ))
    .unwrap()
}

#[tokio::test]
async fn reimport_replaces_unsent_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.sqlite")).unwrap();
    store
        .import(
            SOURCE,
            vec![request("A-1", "Tempe"), request("A-2", "Tempe")],
            false,
            now(),
        )
        .await
        .unwrap();
    let po = PoNumber::new("A-2");
    store
        .record(
            SOURCE,
            &po,
            Change::Submitting {
                order: Box::new(order("A-2")),
            },
            now(),
        )
        .await
        .unwrap();

    let outcome = store
        .import(
            SOURCE,
            vec![request("a-1", "Mesa"), request("a-2", "Mesa")],
            false,
            now(),
        )
        .await
        .unwrap();

    assert_eq!(outcome.replaced, [PoNumber::new("A-1")]);
    assert_eq!(outcome.skipped, [PoNumber::new("A-2")]);
    let entry = store
        .get(SOURCE, &PoNumber::new("A-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.request.city, "Mesa");
    assert_eq!(entry.sequence, 1);
}

#[tokio::test]
async fn state_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let po = PoNumber::new("B-1");
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .import(SOURCE, vec![request("B-1", "Tempe")], false, now())
            .await
            .unwrap();
        store
            .record(
                SOURCE,
                &po,
                Change::Submitting {
                    order: Box::new(order("B-1")),
                },
                now(),
            )
            .await
            .unwrap();
    }

    let reopened = SqliteStore::open(&path).unwrap();
    let entry = reopened.get(SOURCE, &po).await.unwrap().unwrap();

    assert_eq!(entry.state, OutboxState::Submitting);
    assert_eq!(entry.attempts, 1);
    assert_eq!(reopened.actionable(SOURCE, 0, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn invalid_change_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.sqlite")).unwrap();
    store
        .import(SOURCE, vec![request("C-1", "Tempe")], false, now())
        .await
        .unwrap();

    let error = store
        .record(SOURCE, &PoNumber::new("C-1"), Change::Interrupted, now())
        .await
        .unwrap_err();

    assert!(error.to_string().contains("pending"), "{error}");
}

#[tokio::test]
async fn held_request_released() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.sqlite")).unwrap();
    store
        .import(SOURCE, vec![request("D-1", "Tempe")], true, now())
        .await
        .unwrap();
    let po = PoNumber::new("d-1");

    assert!(store.actionable(SOURCE, 0, 10).await.unwrap().is_empty());
    assert_eq!(
        store.release(SOURCE, &po, now()).await.unwrap(),
        ReleaseOutcome::Released
    );
    assert_eq!(
        store.release(SOURCE, &po, now()).await.unwrap(),
        ReleaseOutcome::NotHeld(OutboxState::Pending)
    );
    assert_eq!(
        store
            .release(SOURCE, &PoNumber::new("nope"), now())
            .await
            .unwrap(),
        ReleaseOutcome::NotFound
    );
}

#[tokio::test]
async fn lock_excludes_second_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let first = SqliteStore::open(&path).unwrap();
    let second = SqliteStore::open(&path).unwrap();

    let held = first.try_lock("petra/send", "first").await.unwrap();
    let refused = second.try_lock("petra/send", "second").await.unwrap();
    let other = second.try_lock("petra/fetch", "second").await.unwrap();

    assert!(held.is_some());
    assert!(refused.is_none());
    assert!(other.is_some());
    assert_eq!(first.lock_holders().await.unwrap().len(), 2);

    drop(held);
    assert!(second
        .try_lock("petra/send", "second")
        .await
        .unwrap()
        .is_some());
}

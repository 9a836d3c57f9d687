//! Cursor pagination as a `Stream`, with a guard against servers that repeat themselves.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::future::Future;
use std::hash::{Hash, Hasher};

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::error::Error;
use crate::error_context::RequestInfo;

/// One fetched page: its items and the cursor of the next page, `None` on the last one.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Remembers every cursor followed and a fingerprint of every page read, so a listing
/// that hands back a cursor or a page a second time stops with an error instead of
/// looping forever. Memory grows with the number of pages, not items.
#[derive(Debug, Default)]
pub(crate) struct LoopGuard {
    cursors: HashSet<String>,
    fingerprints: HashSet<u64>,
    pages_read: u32,
}

impl LoopGuard {
    /// Records a page by the keys of its items. Returns a description of the repetition
    /// when a non-empty page with the same keys was already read.
    pub(crate) fn record_page<'k>(
        &mut self,
        keys: impl Iterator<Item = &'k str>,
    ) -> Result<(), String> {
        self.pages_read += 1;

        let mut hasher = DefaultHasher::new();
        let mut count = 0usize;
        for key in keys {
            key.hash(&mut hasher);
            count += 1;
        }
        if count == 0 {
            return Ok(());
        }

        count.hash(&mut hasher);
        if self.fingerprints.insert(hasher.finish()) {
            Ok(())
        } else {
            Err(format!("a page of {count} item(s) already read"))
        }
    }

    /// Records the next cursor. Returns a description of the repetition when the cursor
    /// was already followed.
    pub(crate) fn record_cursor(&mut self, cursor: &str) -> Result<(), String> {
        if self.cursors.insert(cursor.to_owned()) {
            Ok(())
        } else {
            Err(format!("cursor `{cursor}`"))
        }
    }

    pub(crate) fn pages_read(&self) -> u32 {
        self.pages_read
    }
}

enum State<F> {
    Next {
        fetch: F,
        cursor: Option<String>,
        guard: LoopGuard,
    },
    Done,
}

/// Streams the items of a cursor-paginated listing. `fetch` gets the cursor (`None` for
/// the first page) and returns one page; `key` gives each item's stable id for the
/// repeated-page check.
pub(crate) fn paginate<T, F, Fut>(
    request_info: RequestInfo,
    fetch: F,
    key: fn(&T) -> &str,
) -> BoxStream<'static, Result<T, Error>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
{
    let initial = State::Next {
        fetch,
        cursor: None,
        guard: LoopGuard::default(),
    };

    let pages = stream::try_unfold(initial, move |state| {
        let request_info = request_info.clone();
        async move {
            let State::Next {
                mut fetch,
                cursor,
                mut guard,
            } = state
            else {
                return Ok(None);
            };

            let page = fetch(cursor).await?;
            let repeated = guard
                .record_page(page.items.iter().map(key))
                .and_then(|()| match page.next_cursor.as_deref() {
                    Some(next) => guard.record_cursor(next),
                    None => Ok(()),
                });
            if let Err(repeated) = repeated {
                tracing::warn!(path = %request_info.path, %repeated, "listing repeated itself");
                return Err(Error::RepeatedPage {
                    request: Box::new(request_info),
                    repeated,
                    pages_read: guard.pages_read(),
                });
            }

            let next_state = match page.next_cursor {
                Some(next) if !next.is_empty() => State::Next {
                    fetch,
                    cursor: Some(next),
                    guard,
                },
                _ => State::Done,
            };
            Ok(Some((page.items, next_state)))
        }
    });

    pages
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_accepts_distinct_pages() {
        let mut guard = LoopGuard::default();

        assert!(guard.record_page(["a", "b"].into_iter()).is_ok());
        assert!(guard.record_page(["c", "d"].into_iter()).is_ok());
        assert_eq!(guard.pages_read(), 2);
    }

    #[test]
    fn guard_rejects_repeated_page() {
        let mut guard = LoopGuard::default();
        guard.record_page(["a", "b"].into_iter()).unwrap();

        let repeated = guard.record_page(["a", "b"].into_iter()).unwrap_err();
        assert!(repeated.contains("2 item(s)"), "{repeated}");
    }

    #[test]
    fn guard_allows_empty_pages() {
        let mut guard = LoopGuard::default();

        assert!(guard.record_page(std::iter::empty()).is_ok());
        assert!(guard.record_page(std::iter::empty()).is_ok());
    }

    #[test]
    fn guard_rejects_repeated_cursor() {
        let mut guard = LoopGuard::default();
        guard.record_cursor("c1").unwrap();

        let repeated = guard.record_cursor("c1").unwrap_err();
        assert_eq!(repeated, "cursor `c1`");
    }
}

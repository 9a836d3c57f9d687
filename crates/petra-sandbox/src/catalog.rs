//! The catalog the sandbox serves: products in a stable order, cursor pagination, SKU
//! lookup, and the built-in sample products.

use std::collections::{BTreeMap, HashSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use petra_client::wire::{Pricing, Product, Variant};
use petra_client::Sku;
use rust_decimal::Decimal;

use std::path::Path;

use crate::config::CatalogSource;
use crate::{feed_catalog, prodlist, Error};

/// Products sorted by `product_id`, the order every catalog page follows.
#[derive(Debug)]
pub(crate) struct Catalog {
    products: Vec<Product>,
    skus: HashSet<Sku>,
}

/// A cursor that does not decode to a position in this catalog.
#[derive(Debug)]
pub(crate) struct InvalidCursor;

impl Catalog {
    /// Sorts products by id. Products that share an id are merged into the first one, so
    /// the order stays total and a cursor names exactly one position.
    pub(crate) fn new(products: Vec<Product>) -> Self {
        let mut by_id: BTreeMap<String, Product> = BTreeMap::new();
        for product in products {
            match by_id.get_mut(&product.product_id) {
                Some(existing) => existing.variants.extend(product.variants),
                None => {
                    by_id.insert(product.product_id.clone(), product);
                }
            }
        }

        let products: Vec<Product> = by_id.into_values().collect();
        let skus = products
            .iter()
            .flat_map(|p| p.variants.iter().map(|v| v.sku.clone()))
            .collect();
        Self { products, skus }
    }

    pub(crate) fn products(&self) -> &[Product] {
        &self.products
    }

    pub(crate) fn contains_sku(&self, sku: &Sku) -> bool {
        self.skus.contains(sku)
    }

    /// Returns up to `limit` products after `cursor` and the cursor of the next page, or
    /// `None` when this page is the last.
    pub(crate) fn page(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Product>, Option<String>), InvalidCursor> {
        let start = match cursor {
            None => 0,
            Some(cursor) => {
                let after = decode_cursor(cursor).ok_or(InvalidCursor)?;
                self.products.partition_point(|p| p.product_id <= after)
            }
        };

        let end = start.saturating_add(limit).min(self.products.len());
        let page = self.products[start..end].to_vec();
        let next = match page.last() {
            Some(last) if end < self.products.len() => Some(encode_cursor(&last.product_id)),
            _ => None,
        };
        Ok((page, next))
    }
}

/// A source's products and the ProdList.csv bytes the feed route serves for it.
#[derive(Debug)]
pub(crate) struct LoadedCatalog {
    pub products: Vec<Product>,
    pub feed: Vec<u8>,
    /// Feed rows the reader rejected or that had no PRICE.
    pub rejected_rows: u64,
}

/// Reads or builds a source's products and its ProdList.csv download. Feed files are
/// served byte for byte, so the download keeps the file's encoding and quirks.
pub(crate) fn load(source: &CatalogSource) -> Result<LoadedCatalog, Error> {
    let rendered = |products: Vec<Product>| {
        let feed = prodlist::render(&products)?;
        Ok(LoadedCatalog {
            products,
            feed,
            rejected_rows: 0,
        })
    };

    match source {
        CatalogSource::Sample => rendered(sample_products()),
        CatalogSource::Products(products) => rendered(products.clone()),
        CatalogSource::FeedFile(path) => {
            let feed = std::fs::read(path).map_err(|source| Error::ReadFeed {
                path: path.clone(),
                source,
            })?;
            let read = feed_catalog::read_feed(&feed, path)?;
            Ok(LoadedCatalog {
                products: read.products,
                feed,
                rejected_rows: read.rejected_rows,
            })
        }
        CatalogSource::Generated { rows, seed } => {
            let feed = feed_catalog::generated_feed(*rows, *seed)?;
            let read = feed_catalog::read_feed(&feed, Path::new("generated ProdList.csv"))?;
            Ok(LoadedCatalog {
                products: read.products,
                feed,
                rejected_rows: read.rejected_rows,
            })
        }
    }
}

const CURSOR_PREFIX: &str = "after:";

fn encode_cursor(product_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{product_id}"))
}

fn decode_cursor(cursor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(CURSOR_PREFIX).map(str::to_owned)
}

/// Returns a few products in Petra's categories: one with two variants, one discontinued, one
/// without MSRP or MAP and one whose dealer price exceeds its MSRP.
pub fn sample_products() -> Vec<Product> {
    vec![
        product(
            "K02-U22GE-02",
            "EPI236 AIR PURIFIER BLK",
            "ELECHOMES",
            &["Heating & Cooling", "Air Quality"],
            vec![variant(
                "1KSK02U22GE02",
                "EPI236 AIR PURIFIER BLK",
                9199,
                Some(10999),
                None,
                14,
            )
            .with_upc("6970684277620")],
        ),
        product(
            "JBL-FLIP6",
            "JBL FLIP 6 PORTABLE SPEAKER",
            "JBL",
            &["Audio", "Portable Speakers"],
            vec![
                variant(
                    "JBLFLIP6BLKAM",
                    "JBL FLIP 6 SPEAKER BLACK",
                    8995,
                    Some(12995),
                    Some(12995),
                    120,
                )
                .with_color("Black"),
                variant(
                    "JBLFLIP6BLUAM",
                    "JBL FLIP 6 SPEAKER BLUE",
                    8995,
                    Some(12995),
                    Some(12995),
                    3,
                )
                .with_color("Blue"),
            ],
        ),
        product(
            "LOG-M185",
            "LOGITECH M185 WIRELESS MOUSE",
            "LOGITECH",
            &["Computer Accessories", "Mice"],
            vec![variant(
                "910-002225",
                "M185 WIRELESS MOUSE GRY",
                1150,
                None,
                None,
                260,
            )],
        ),
        product(
            "PAN-KXTG",
            "PANASONIC KX-TGE433B CORDLESS PHONE",
            "PANASONIC",
            &["Telephones", "Cordless"],
            vec![variant(
                "KXTGE433B",
                "KX-TGE433B 3-HANDSET PHONE",
                7499,
                Some(6999),
                None,
                0,
            )
            .discontinued()],
        ),
        product(
            "SMS-EVO128",
            "SAMSUNG EVO SELECT 128GB MICROSDXC",
            "SAMSUNG",
            &["Storage", "Memory Cards"],
            vec![variant(
                "MB-ME128KA/AM",
                "EVO SELECT 128GB MICROSD",
                1399,
                Some(1999),
                Some(1699),
                48,
            )],
        ),
    ]
}

fn product(
    id: &str,
    name: &str,
    brand: &str,
    categories: &[&str],
    variants: Vec<Variant>,
) -> Product {
    Product {
        product_id: id.to_owned(),
        name: name.to_owned(),
        description: Some(format!("{brand} {name}")),
        brand: Some(brand.to_owned()),
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        attributes: BTreeMap::from([("refurbished".to_owned(), "N".to_owned())]),
        variants,
    }
}

fn variant(
    sku: &str,
    title: &str,
    cents: i64,
    msrp_cents: Option<i64>,
    map_cents: Option<i64>,
    quantity: u64,
) -> Variant {
    Variant {
        sku: Sku::new(sku),
        vendor_sku: Some(sku.to_owned()),
        title: title.to_owned(),
        attributes: BTreeMap::new(),
        pricing: Pricing {
            currency: "USD".to_owned(),
            dealer_price: Decimal::new(cents, 2),
            msrp: msrp_cents.map(|c| Decimal::new(c, 2)),
            map: map_cents.map(|c| Decimal::new(c, 2)),
        },
        quantity_available: quantity,
        upc: None,
        images: vec![format!("http://petraimages.example/600x600/{sku}.jpg")],
        discontinued: false,
    }
}

trait VariantExt {
    fn with_upc(self, upc: &str) -> Self;
    fn with_color(self, color: &str) -> Self;
    fn discontinued(self) -> Self;
}

impl VariantExt for Variant {
    fn with_upc(mut self, upc: &str) -> Self {
        self.upc = Some(upc.to_owned());
        self
    }

    fn with_color(mut self, color: &str) -> Self {
        self.attributes.insert("color".to_owned(), color.to_owned());
        self
    }

    fn discontinued(mut self) -> Self {
        self.discontinued = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_product_id_order() {
        let catalog = Catalog::new(sample_products());

        let (first, next) = catalog.page(None, 2).unwrap();
        let (second, _) = catalog.page(next.as_deref(), 2).unwrap();

        assert_eq!(first[0].product_id, "JBL-FLIP6");
        assert_eq!(first[1].product_id, "K02-U22GE-02");
        assert_eq!(second[0].product_id, "LOG-M185");
    }

    #[test]
    fn last_page_has_no_cursor() {
        let catalog = Catalog::new(sample_products());

        let (page, next) = catalog.page(None, 1000).unwrap();

        assert_eq!(page.len(), 5);
        assert!(next.is_none());
    }

    #[test]
    fn garbage_cursor_is_invalid() {
        let catalog = Catalog::new(sample_products());

        assert!(catalog.page(Some("not a cursor!"), 10).is_err());
    }

    #[test]
    fn shared_product_ids_merge() {
        let mut products = sample_products();
        let mut copy = products[0].clone();
        copy.variants[0].sku = Sku::new("EXTRA-SKU");
        products.push(copy);

        let catalog = Catalog::new(products);

        assert_eq!(catalog.products().len(), 5);
        assert!(catalog.contains_sku(&Sku::new("EXTRA-SKU")));
    }
}

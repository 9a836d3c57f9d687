//! Catalogs read from Petra's ProdList.csv: a file on disk or the synthetic generator's
//! output. Each row becomes one variant, and rows sharing a VENDOR SKU form one product.

use std::collections::BTreeMap;
use std::path::Path;

use petra_client::feed::{generate, GeneratorOptions, ProdListReader, ProdListRow};
use petra_client::wire::{Pricing, Product, Variant};
use rust_decimal::Decimal;

use crate::Error;

/// Products read from ProdList.csv bytes, and how many rows the reader rejected.
#[derive(Debug)]
pub(crate) struct FeedProducts {
    pub products: Vec<Product>,
    pub rejected_rows: u64,
}

/// Reads a ProdList.csv file. `path` only names the source in errors.
pub(crate) fn read_feed(bytes: &[u8], path: &Path) -> Result<FeedProducts, Error> {
    let invalid = |error: petra_client::Error| Error::InvalidFeed {
        path: path.to_owned(),
        reason: error.to_string(),
    };
    let mut reader = ProdListReader::new(bytes).map_err(invalid)?;

    let mut products = Vec::new();
    let mut rejected_rows = 0;
    for row in reader.by_ref() {
        match row {
            Ok(row) => match product_of(&row) {
                Some(product) => products.push(product),
                None => rejected_rows += 1,
            },
            Err(error) => {
                tracing::debug!(line = error.line, sku = ?error.petra_sku, "skipped a rejected feed row");
                rejected_rows += 1;
            }
        }
    }
    reader.finish().map_err(invalid)?;

    if rejected_rows > 0 {
        tracing::warn!(path = %path.display(), rejected_rows, "feed rows skipped");
    }
    Ok(FeedProducts {
        products,
        rejected_rows,
    })
}

/// Writes the generator's ProdList.csv of `rows` rows for `seed`.
pub(crate) fn generated_feed(rows: u64, seed: u64) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    generate(&mut bytes, GeneratorOptions { rows, seed })
        .map_err(|source| Error::RenderFeed { source })?;
    Ok(bytes)
}

/// Maps one row to a one-variant product, or `None` when the row has no PRICE, which a
/// variant cannot do without.
fn product_of(row: &ProdListRow) -> Option<Product> {
    let Some(dealer_price) = row.price() else {
        tracing::debug!(line = row.line(), sku = %row.petra_sku(), "skipped a feed row without PRICE");
        return None;
    };

    let title = row
        .description()
        .unwrap_or(row.petra_sku().as_str())
        .to_owned();
    let product_id = row
        .vendor_sku()
        .unwrap_or(row.petra_sku().as_str())
        .to_owned();
    let categories = [row.subcategory(), row.subcategory2(), row.subcategory3()]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    let mut attributes = BTreeMap::new();
    if let Some(class) = row.product_class() {
        attributes.insert("product_class".to_owned(), class.to_owned());
    }
    attributes.insert(
        "refurbished".to_owned(),
        if row.refurb() { "Y" } else { "N" }.to_owned(),
    );
    if let Some(warranty) = row.warranty() {
        attributes.insert("warranty".to_owned(), warranty.to_owned());
    }

    let variant = Variant {
        sku: row.petra_sku().clone(),
        vendor_sku: row.vendor_sku().map(str::to_owned),
        title: title.clone(),
        attributes: BTreeMap::new(),
        pricing: Pricing {
            currency: "USD".to_owned(),
            dealer_price,
            msrp: row.msrp(),
            // MAP 0 means no minimum advertised price.
            map: row.map().filter(|map| *map > Decimal::ZERO),
        },
        quantity_available: row.available(),
        upc: row.upc().map(ToString::to_string),
        images: row.image_url().map(str::to_owned).into_iter().collect(),
        discontinued: row.is_discontinued(),
    };
    Some(Product {
        product_id,
        name: title,
        description: row.long_desc().map(str::to_owned),
        brand: row.brand_name().map(str::to_owned),
        categories,
        attributes,
        variants: vec![variant],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_feed_reads_back() {
        let bytes = generated_feed(50, 7).unwrap();

        let feed = read_feed(&bytes, Path::new("generated")).unwrap();

        let variants: usize = feed.products.iter().map(|p| p.variants.len()).sum();
        assert_eq!(variants, 50);
        assert_eq!(feed.rejected_rows, 0);
    }

    #[test]
    fn headerless_bytes_are_invalid() {
        let result = read_feed(b"just,some\r\ntext,here\r\n", Path::new("bad.csv"));

        assert!(matches!(result, Err(Error::InvalidFeed { .. })));
    }
}

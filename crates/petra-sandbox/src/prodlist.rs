//! The `ProdList.csv` download: the catalog written in Petra's feed layout, kept both
//! plain and gzip-compressed so each request only copies bytes.

use std::io::Write;

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use petra_client::wire::Product;

use crate::Error;

/// Petra's ProdList.csv columns, in file order.
pub const COLUMNS: [&str; 28] = [
    "VENDOR SKU",
    "PETRA SKU",
    "DESCRIPTION",
    "AVAILABLE",
    "PRICE",
    "BRAND NAME",
    "WEIGHT-UNPACKED",
    "PRODUCT CLASS",
    "UPC",
    "LONG DESC",
    "KEYWORDS",
    "SPECS",
    "SUBCATEGORY",
    "NOTES1",
    "REFURB",
    "LENGTH",
    "WIDTH",
    "HEIGHT",
    "MAP",
    "RETURNABLE",
    "ESTIMATED SHIP WEIGHT",
    "NOTES2",
    "SUBCATEGORY2",
    "SUBCATEGORY3",
    "MSRP",
    "PO ETA DATE",
    "WARRANTY",
    "IMAGE URL",
];

/// The feed file as served: plain bytes and their gzip form.
#[derive(Debug, Clone)]
pub(crate) struct FeedDownload {
    pub plain: Bytes,
    pub gzip: Bytes,
}

impl FeedDownload {
    pub(crate) fn new(plain: Vec<u8>) -> Result<Self, Error> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder
            .write_all(&plain)
            .map_err(|source| Error::RenderFeed { source })?;
        let gzip = encoder
            .finish()
            .map_err(|source| Error::RenderFeed { source })?;
        Ok(Self {
            plain: Bytes::from(plain),
            gzip: Bytes::from(gzip),
        })
    }
}

/// Writes products as ProdList.csv: two preamble lines, the header row, then one row per
/// variant. Columns the wire types do not carry stay blank.
pub fn render(products: &[Product]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    out.extend_from_slice(b"Petra Industries Product List\r\n");
    out.extend_from_slice(b"Prices are dealer cost in USD\r\n");

    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let csv_error = |error: csv::Error| Error::RenderFeed {
        source: std::io::Error::other(error),
    };
    writer.write_record(COLUMNS).map_err(csv_error)?;

    for product in products {
        for variant in &product.variants {
            let attribute = |name: &str| {
                variant
                    .attributes
                    .get(name)
                    .or_else(|| product.attributes.get(name))
                    .cloned()
                    .unwrap_or_default()
            };
            let category =
                |index: usize| product.categories.get(index).cloned().unwrap_or_default();
            let decimal = |value: Option<rust_decimal::Decimal>| {
                value.map(|d| d.to_string()).unwrap_or_default()
            };

            let row: [String; 28] = [
                variant.vendor_sku.clone().unwrap_or_default(),
                variant.sku.to_string(),
                variant.title.clone(),
                variant.quantity_available.to_string(),
                variant.pricing.dealer_price.to_string(),
                product.brand.clone().unwrap_or_default(),
                String::new(),
                attribute("product_class"),
                variant.upc.clone().unwrap_or_default(),
                product.description.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                category(0),
                if variant.discontinued {
                    "DISCONTINUED".to_owned()
                } else {
                    String::new()
                },
                match attribute("refurbished").as_str() {
                    "" => "N".to_owned(),
                    other => other.to_owned(),
                },
                String::new(),
                String::new(),
                String::new(),
                decimal(variant.pricing.map),
                String::new(),
                String::new(),
                String::new(),
                category(1),
                category(2),
                decimal(variant.pricing.msrp),
                String::new(),
                String::new(),
                variant.images.first().cloned().unwrap_or_default(),
            ];
            writer.write_record(&row).map_err(csv_error)?;
        }
    }

    writer.into_inner().map_err(|error| Error::RenderFeed {
        source: std::io::Error::other(error.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::sample_products;

    #[test]
    fn header_follows_two_preamble_lines() {
        let bytes = render(&sample_products()).unwrap();
        let text = String::from_utf8(bytes).unwrap();

        let header = text.lines().nth(2).unwrap();

        assert!(
            header.starts_with("VENDOR SKU,PETRA SKU,DESCRIPTION,AVAILABLE,PRICE"),
            "{header}"
        );
    }

    #[test]
    fn one_row_per_variant() {
        let products = sample_products();
        let variants: usize = products.iter().map(|p| p.variants.len()).sum();

        let text = String::from_utf8(render(&products).unwrap()).unwrap();

        assert_eq!(text.lines().count(), 3 + variants);
    }

    #[test]
    fn discontinued_goes_to_notes1() {
        let text = String::from_utf8(render(&sample_products()).unwrap()).unwrap();

        let row = text.lines().find(|l| l.contains("KXTGE433B")).unwrap();

        assert!(row.contains(",DISCONTINUED,"), "{row}");
    }
}
